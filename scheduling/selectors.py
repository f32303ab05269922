"""Read-side queries for scheduling, named, scoped by what each user may see
(portal.policy). Pages and the API use these; views run no queries of their own."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Couple, CoupleStatus, Invitation, Role, User
from exercises import selectors as exercise_selectors
from exercises.models import AssignmentStatus, Occurrence
from portal import policy
from scheduling.models import (
    LONGEST_APPOINTMENT,
    Appointment,
    AppointmentChange,
    AppointmentStatus,
    CalendarFeed,
    CounselorProfile,
    IntakeRequest,
    IntakeStatus,
    Location,
    OpeningHours,
    Specialty,
    TimeOff,
    WorkingHours,
)


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
    scope = policy.appointment_scope(user)
    if scope is None:
        return appointments.none()
    appointments = appointments.filter(scope)
    if not policy.sees_staff_side(user):
        # Not loading it makes a slip in a template cost a query, not a leak
        # in bulk; serializers and templates still must not show it.
        appointments = appointments.defer("staff_note")
    return appointments


def appointment_for(user: User, appointment_id: Any) -> Appointment:
    """The appointment with this id if the user may see it, else 404."""
    try:
        return appointments_visible_to(user).get(pk=int(appointment_id))
    except (Appointment.DoesNotExist, TypeError, ValueError):
        raise Http404("No such appointment.") from None


def _listed() -> Q:
    """Whom the public sees: active counselors, not on leave, who have
    accepted their invitation (an invited counselor appears once they have
    set their password)."""
    invited = Invitation.objects.filter(user=OuterRef("user"), couple__isnull=True, accepted_at__isnull=True)
    return Q(user__is_active=True, user__role=Role.COUNSELOR, on_leave=False) & Q(~Exists(invited))


def counselors_directory(
    *, location: Location | None = None, specialty: Specialty | None = None, online: bool | None = None
) -> QuerySet[CounselorProfile]:
    """The public directory: the counselors it lists (_listed), with what a listing shows loaded."""
    profiles = CounselorProfile.objects.filter(_listed()).select_related("user")
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


def counselors_taking_new_clients() -> QuerySet[CounselorProfile]:
    """Listed counselors who take new clients, by name, for a request form's menu (names only loaded)."""
    return counselors_directory().filter(is_accepting_new_clients=True).prefetch_related(None)


def counselor_photo_public(slug: str) -> str:
    """The stored name of a listed counselor's photo (the directory's rule,
    _listed), else 404: no photo, or a counselor the public does not see."""
    name = CounselorProfile.objects.filter(_listed(), slug=slug).values_list("photo", flat=True).first()
    if not name:
        raise Http404("No photo.")
    return str(name)


def exercises_due_for_feed(user: User, *, since: datetime) -> QuerySet[Occurrence]:
    """A client's open exercise occurrences (not submitted by them) of active assignments, due since `since`.

    Clients only: staff calendars carry appointments, not their couples' exercises.
    """
    if not policy.feed_has_exercises(user):
        return Occurrence.objects.none()
    return (
        exercise_selectors.occurrences_for_partner(user)
        .filter(Q(has_submitted=False), assignment__status=AssignmentStatus.ACTIVE, due_at__gte=since)
        .order_by("due_at", "pk")
    )


# ---------------------------------------------------------------- counselors and their schedules


def counselors_bookable() -> QuerySet[User]:
    """Active counselors not on leave: the ones an appointment can be booked with."""
    return User.objects.filter(role=Role.COUNSELOR, is_active=True).exclude(counselor_profile__on_leave=True)


def counselors_bookable_by(user: User) -> QuerySet[User]:
    """The bookable counselors a staff member books for: a counselor themselves, an admin everyone."""
    counselors = counselors_bookable()
    if policy.has_own_schedule(user):
        return counselors.filter(pk=user.pk)
    return counselors.order_by("full_name")


def counselors_at(location: Location) -> QuerySet[User]:
    """The bookable counselors who work at a location, by name (an admin's
    calendar and appointment filters: one office's, not the practice's)."""
    return counselors_bookable().filter(counselor_profile__locations=location).order_by("full_name", "pk")


def counselor_bookable(counselor_id: str | None) -> User | None:
    """The bookable counselor with this id (from a query string), else None."""
    if not counselor_id or not counselor_id.isdigit():
        return None
    return counselors_bookable().filter(pk=int(counselor_id)).first()


def counselors_named_by(user: User) -> QuerySet[User]:
    """The counselors an id in a booking body may name: staff, those whose
    schedules they manage (an admin every counselor, a counselor themselves);
    a client, any (the directory is public; the request service asks for
    their own)."""
    counselors = User.objects.filter(role=Role.COUNSELOR)
    if policy.has_own_schedule(user):
        return counselors.filter(pk=user.pk)
    return counselors


def counselors_with_schedules() -> QuerySet[User]:
    """Every active counselor, on leave or not, with their profile (the schedules list)."""
    return (
        User.objects.filter(role=Role.COUNSELOR, is_active=True)
        .select_related("counselor_profile")
        .order_by("full_name", "pk")  # the (role, full_name) index
    )


def counselor(counselor_id: int) -> User:
    """The counselor with this id, else 404."""
    return get_object_or_404(User, pk=counselor_id, role=Role.COUNSELOR)


def counselor_profile_of(counselor: User) -> CounselorProfile | None:
    return CounselorProfile.objects.filter(user=counselor).first()


def working_hours_by_location(counselor: User) -> dict[Location, list[tuple[int, time, time]]]:
    """The counselor's weekly hours, location by location (by name): (weekday, start, end) rows."""
    hours = WorkingHours.objects.filter(counselor=counselor).select_related("location").order_by("location__name")
    by_location: dict[Location, list[tuple[int, time, time]]] = defaultdict(list)
    for row in hours:
        by_location[row.location].append((row.weekday, row.start, row.end))
    return by_location


def time_off_ahead(counselor: User) -> QuerySet[TimeOff]:
    """Time off not over yet."""
    return TimeOff.objects.filter(counselor=counselor, ends_on__gte=timezone.localdate())


def time_off_of(counselor: User, time_off_id: Any) -> TimeOff:
    """One of the counselor's periods of time off, else 404."""
    return get_object_or_404(TimeOff, pk=time_off_id, counselor=counselor)


# ---------------------------------------------------------------- locations


def locations_for_admin() -> QuerySet[Location]:
    """Every office, the active ones first (the admins' list)."""
    return Location.objects.order_by("-is_active", "name")


def opening_hours_rows(location: Location) -> list[tuple[int, time, time]]:
    return list(location.opening_hours.values_list("weekday", "opens", "closes"))


def locations_by_pk(ids: Iterable[int]) -> dict[int, Location]:
    """The locations of a list of free slots, by id."""
    return {place.pk: place for place in Location.objects.filter(pk__in=set(ids))}


# ---------------------------------------------------------------- appointments


def appointments_between(
    user: User, start: datetime, end: datetime, *, counselor: User | None, location: Location | None
) -> QuerySet[Appointment]:
    """The user's visible appointments overlapping [start, end), of one counselor and/or at one location.

    Bounded below as well: an appointment that overlaps starts at most
    LONGEST_APPOINTMENT before the window (a check constraint holds it), so
    the (counselor, start) or (location, start) index reads the window, not
    every earlier appointment."""
    appointments = appointments_visible_to(user).filter(
        start__gte=start - LONGEST_APPOINTMENT, start__lt=end, end__gt=start
    )
    return _of(appointments, counselor=counselor, location=location)


def appointments_starting_between(
    user: User, start: datetime, end: datetime, *, counselor: User | None, location: Location | None
) -> QuerySet[Appointment]:
    """Not cancelled, starting within [start, end), by start then id: a practice
    admin's list, paged off the (start, id), (counselor, start) or (location, start) index."""
    appointments = (
        appointments_visible_to(user)
        .filter(start__gte=start, start__lt=end)
        .exclude(status=AppointmentStatus.CANCELLED)
        .order_by("start", "pk")
    )
    return _of(appointments, counselor=counselor, location=location)


def appointments_cancelled_between(
    user: User, start: datetime, end: datetime, *, counselor: User | None, location: Location | None
) -> QuerySet[Appointment]:
    """Cancelled, starting within [start, end), by start (the (status, start) index)."""
    appointments = appointments_visible_to(user).filter(
        status=AppointmentStatus.CANCELLED, start__gte=start, start__lt=end
    )
    return _of(appointments.order_by("start", "pk"), counselor=counselor, location=location)


def _of(
    appointments: QuerySet[Appointment], *, counselor: User | None, location: Location | None
) -> QuerySet[Appointment]:
    if counselor is not None:
        appointments = appointments.filter(counselor=counselor)
    if location is not None:
        appointments = appointments.filter(location=location)
    return appointments


def appointments_upcoming(user: User, now: datetime) -> QuerySet[Appointment]:
    """Not over and not cancelled."""
    return appointments_visible_to(user).filter(end__gte=now).exclude(status=AppointmentStatus.CANCELLED)


def appointments_recent(user: User, now: datetime) -> QuerySet[Appointment]:
    """The last twenty over or cancelled, newest first."""
    visible = appointments_visible_to(user)
    return visible.filter(Q(end__lt=now) | Q(status=AppointmentStatus.CANCELLED)).order_by("-start")[:20]


def appointment_requests_waiting(
    user: User, now: datetime, *, counselor: User | None = None, location: Location | None = None
) -> QuerySet[Appointment]:
    """Clients' requests still to confirm or decline, soonest first (the (status, start) index)."""
    waiting = appointments_visible_to(user).filter(status=AppointmentStatus.REQUESTED, start__gte=now)
    return _of(waiting.order_by("start", "pk"), counselor=counselor, location=location)


def appointment_history(appointment: Appointment) -> QuerySet[AppointmentChange]:
    return appointment.changes.select_related("actor")


def active_couple_of(user: User) -> Couple | None:
    """A client's active couple."""
    return policy.couples_visible_to(user).filter(status=CoupleStatus.ACTIVE).first()


def partners_visible_to(user: User) -> QuerySet[User]:
    """The partners of the couples a user may see (an individual session's client)."""
    couples = policy.couples_visible_to(user).values("pk")
    return User.objects.filter(Q(couples_as_partner_one__in=couples) | Q(couples_as_partner_two__in=couples)).distinct()


def booking_choices(user: User) -> dict[str, Any]:
    """Whom a staff member may book: counselors, active couples in their scope, and those couples' partners."""
    couples = policy.couples_visible_to(user).filter(status=CoupleStatus.ACTIVE).order_by("partner_one__full_name")
    clients = User.objects.filter(
        Q(couples_as_partner_one__in=couples) | Q(couples_as_partner_two__in=couples)
    ).distinct()
    return {"counselors": counselors_bookable_by(user), "couples": couples, "clients": clients}


# ---------------------------------------------------------------- intake requests


def intake_requests(status: str) -> QuerySet[IntakeRequest]:
    """The front desk's list; a status that is not one shows them all."""
    intakes = IntakeRequest.objects.select_related("counselor", "preferred_location", "specialty")
    if status in IntakeStatus.values:
        intakes = intakes.filter(status=status)
    # Newest first, then id: read off (status, created_at) or (created_at, id) backwards.
    return intakes.order_by("-created_at", "-pk")


def intake_request(intake_id: int) -> IntakeRequest:
    """One request with what its page shows, else 404."""
    return get_object_or_404(
        IntakeRequest.objects.select_related("counselor", "preferred_location", "specialty", "couple"), pk=intake_id
    )


def intake_request_next_id() -> int:
    """About the id the next request will get: what the honeypot answers a
    robot, so that its answer looks like anyone's."""
    last = IntakeRequest.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def intake_appointments(intake: IntakeRequest) -> list[Appointment]:
    return list(intake.appointments.select_related("counselor", "location").order_by("start"))


# ---------------------------------------------------------------- calendar feeds


def calendar_feed_of(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_owner(token: str) -> User:
    """Whose feed this secret address is, if they are still active; else 404."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    return feed.user


def appointments_for_own_feed(owner: User) -> QuerySet[Appointment]:
    """A user's own feed: a counselor's appointments, a client's couple's, what an admin booked."""
    appointments = appointments_visible_to(owner)
    if policy.is_practice_admin(owner):
        # The front desk subscribes per location (location_feed); their own feed has what they booked.
        appointments = appointments.filter(created_by=owner)
    return appointments


def next_appointment_of(user: User, *, now: datetime) -> Appointment | None:
    """The participant's next appointment that holds their time (requested or
    confirmed, starting from now on), with its counselor and office: one query."""
    return (
        Appointment.objects.filter(
            participants__user=user, status__in=[AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED]
        )
        .filter(start__gte=now)
        .select_related("counselor", "location")
        .order_by("start", "pk")
        .first()
    )


# ---------------------------------------------------------------- the staff calendar's grid


def calendar_working_hours(counselor_ids: Iterable[int], *, location: Location | None) -> list[WorkingHours]:
    """The counselors' weekly hours at active offices (one office's if given), the office loaded: one query."""
    hours = WorkingHours.objects.filter(counselor_id__in=list(counselor_ids), location__is_active=True)
    if location is not None:
        hours = hours.filter(location=location)
    return list(hours.select_related("location"))


def calendar_opening_hours(location_ids: Iterable[int]) -> list[OpeningHours]:
    return list(OpeningHours.objects.filter(location_id__in=set(location_ids)))


def calendar_time_off(counselor_ids: Iterable[int], first: date, last: date) -> list[TimeOff]:
    """The counselors' time off touching [first, last]: one query (the (counselor, ends_on) index)."""
    return list(TimeOff.objects.filter(counselor_id__in=list(counselor_ids), ends_on__gte=first, starts_on__lte=last))


def first_appointment_start_from(
    user: User, since: datetime, *, counselor: User | None, location: Location | None
) -> datetime | None:
    """When the viewer's first appointment (not cancelled) from `since` on starts, of
    one counselor and/or at one office: one query, off a (…, start) index."""
    upcoming = appointments_visible_to(user).filter(start__gte=since).exclude(status=AppointmentStatus.CANCELLED)
    return _of(upcoming, counselor=counselor, location=location).values_list("start", flat=True).first()
