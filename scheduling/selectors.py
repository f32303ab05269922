"""Read-side queries for scheduling, scoped by role. Pages and API use these."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import Role, User
from exercises import selectors as exercise_selectors
from exercises.models import AssignmentStatus, Occurrence
from portal import policy
from scheduling.models import Appointment, CounselorProfile, Location, OpeningHours, Specialty


def locations_active() -> QuerySet[Location]:
    return Location.objects.filter(is_active=True).order_by("name")


def _with_hours(locations: QuerySet[Location]) -> QuerySet[Location]:
    return locations.prefetch_related(
        Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens"))
    )


def locations_with_hours() -> QuerySet[Location]:
    """Active locations with their opening hours loaded (for the public list)."""
    return _with_hours(locations_active())


def locations_visible_to(user: User) -> QuerySet[Location]:
    """Practice admins: every location, inactive ones too (to manage them);
    everyone else: the active ones. Opening hours loaded."""
    if not policy.is_practice_admin(user):
        return locations_with_hours()
    return _with_hours(Location.objects.order_by("name"))


def appointments_visible_to(user: User) -> QuerySet[Appointment]:
    """Admins: all; counselors: their own; clients: their couple's (the staff note is not theirs to see)."""
    appointments = Appointment.objects.select_related(
        "counselor", "location", "couple__partner_one", "couple__partner_two", "individual_client"
    ).order_by("start", "pk")
    if not user.is_authenticated or not user.is_active:
        return appointments.none()
    if user.role == Role.PRACTICE_ADMIN:
        return appointments
    if user.role == Role.COUNSELOR:
        return appointments.filter(counselor=user)
    if user.role == Role.CLIENT:
        # Not loading it makes a slip in a template cost a query, not a leak
        # in bulk; serializers and templates still must not show it.
        return appointments.filter(Q(couple__partner_one=user) | Q(couple__partner_two=user)).defer("staff_note")
    return appointments.none()


def appointment_for(user: User, appointment_id: Any) -> Appointment:
    """The appointment with this id if the user may see it, else 404."""
    try:
        return appointments_visible_to(user).get(pk=int(appointment_id))
    except (Appointment.DoesNotExist, TypeError, ValueError):
        raise Http404("No such appointment.") from None


def counselors_directory(
    *, location: Location | None = None, specialty: Specialty | None = None, online: bool | None = None
) -> QuerySet[CounselorProfile]:
    """The public directory: active counselors not on leave, with what a listing shows loaded."""
    profiles = CounselorProfile.objects.filter(
        user__is_active=True, user__role=Role.COUNSELOR, on_leave=False
    ).select_related("user")
    if location is not None:
        profiles = profiles.filter(locations=location)
    if specialty is not None:
        profiles = profiles.filter(specialties=specialty)
    if online is not None:
        profiles = profiles.filter(sees_online=online)
    return profiles.prefetch_related(
        Prefetch("locations", queryset=Location.objects.filter(is_active=True).order_by("name")),
        Prefetch("specialties", queryset=Specialty.objects.order_by("name")),
    ).order_by("user__full_name")


def counselor_profile_public(slug: str) -> CounselorProfile:
    try:
        return counselors_directory().get(slug=slug)
    except CounselorProfile.DoesNotExist:
        raise Http404("No such counselor.") from None


def exercises_due_for_feed(user: User, *, since: datetime) -> QuerySet[Occurrence]:
    """A client's open exercise occurrences (not submitted by them) of active assignments, due since `since`.

    Clients only: staff calendars carry appointments, not their couples' exercises.
    """
    if not (user.is_authenticated and user.is_active and user.role == Role.CLIENT):
        return Occurrence.objects.none()
    return (
        exercise_selectors.occurrences_for_partner(user)
        .filter(Q(has_submitted=False), assignment__status=AssignmentStatus.ACTIVE, due_at__gte=since)
        .order_by("due_at", "pk")
    )
