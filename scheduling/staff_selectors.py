"""Named queries of the Staff pages (practice admins): the counselors with
their offices and state, and what a counselor leaves behind when deactivated.
(Kept beside scheduling/selectors.py, which is at the size limit.)"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from accounts.models import OPEN_COUPLE_STATUSES, Couple, Invitation, User
from portal import policy
from scheduling.models import BLOCKING_STATUSES, Appointment, Location

STATES = ("active", "invited", "deactivated")
# The deactivate page lists this many sessions to come, then says there are more.
FUTURE_APPOINTMENTS_SHOWN = 50


def staff_list(viewer: User, *, state: str = "") -> QuerySet[User]:
    """The counselors a practice admin manages, by name (the (role, full_name)
    index), each with their profile, its offices and whether their invitation
    is still pending: three queries for a page, whatever its length."""
    pending = Invitation.objects.filter(user=OuterRef("pk"), accepted_at__isnull=True)
    staff = (
        policy.staff_managed_by(viewer)
        .select_related("counselor_profile")
        .prefetch_related(Prefetch("counselor_profile__locations", queryset=Location.objects.order_by("name")))
        .annotate(invitation_pending=Exists(pending))
        .order_by("full_name", "pk")
    )
    if state == "deactivated":
        return staff.filter(is_active=False)
    if state == "invited":
        return staff.filter(is_active=True, invitation_pending=True)
    if state == "active":
        return staff.filter(is_active=True, invitation_pending=False)
    return staff


def future_appointments_of(counselor: User) -> list[Appointment]:
    """The counselor's requested and confirmed sessions still to come, soonest
    first, one more than FUTURE_APPOINTMENTS_SHOWN (so a page can say "more")."""
    return list(
        Appointment.objects.filter(counselor=counselor, status__in=BLOCKING_STATUSES, start__gte=timezone.now())
        .select_related("location", "couple__partner_one", "couple__partner_two", "individual_client")
        .order_by("start", "pk")[: FUTURE_APPOINTMENTS_SHOWN + 1]
    )


def open_couples_of(counselor: User) -> QuerySet[Couple]:
    """The active and paused couples the counselor is primary counselor of."""
    return (
        Couple.objects.filter(primary_counselor=counselor, status__in=OPEN_COUPLE_STATUSES)
        .select_related("partner_one", "partner_two")
        .order_by("partner_one__full_name", "pk")
    )
