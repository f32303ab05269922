"""Business rules for locations, counselors' availability and appointments.

Every change goes through a function here, which checks who may make it,
keeps the appointment's history (AppointmentChange) and writes an
AuditEvent. Views, serializers, admin actions and tasks call these.

No double booking, on any database: a booking locks the rows of everyone
whose time it takes (the counselor and the clients, in id order so two
bookings cannot deadlock), then looks for overlapping requested or confirmed
appointments. On PostgreSQL the exclusion constraints on Appointment and
AppointmentParticipant also refuse an overlap, whatever wrote it; a
violation is reported as the same AppointmentConflict.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import OPEN_COUPLE_STATUSES, AuditAction, Couple, CoupleStatus, Role, User
from accounts.services import PartnerDetails, audit_record
from accounts.services import couple_invite as accounts_couple_invite
from portal import policy
from portal.errors import require
from scheduling import recurrence, signals, slots
from scheduling.models import (
    BLOCKING_STATUSES,
    Appointment,
    AppointmentChange,
    AppointmentKind,
    AppointmentParticipant,
    AppointmentSeries,
    AppointmentStatus,
    CalendarFeed,
    ChangeAction,
    CounselorProfile,
    IntakeRequest,
    IntakeStatus,
    Location,
    OpeningHours,
    PracticeSettings,
    Specialty,
    TimeOff,
    WorkingHours,
    new_feed_token,
)

# ---------------------------------------------------------------- errors


@dataclass(frozen=True)
class Conflict:
    """An existing appointment that takes the time of someone a booking needs."""

    appointment_id: int
    person: str  # whose time is taken: the counselor or a partner, never another couple
    start: datetime
    end: datetime

    def describe(self, tz: Any) -> str:
        start, end = self.start.astimezone(tz), self.end.astimezone(tz)
        return f"{self.person} already has an appointment on {start:%A %-d %B %Y} from {start:%H:%M} to {end:%H:%M}"


class AppointmentConflict(Exception):
    """The time is taken; the API answers 409 with `message`."""

    def __init__(self, message: str, conflicts: Sequence[Conflict] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.conflicts = list(conflicts)


class SeriesConflict(AppointmentConflict):
    """Some occurrences of a series are taken; nothing was saved."""

    def __init__(self, message: str, conflicts: Sequence[Conflict], dates: Sequence[date]) -> None:
        super().__init__(message, conflicts)
        self.dates = list(dates)


# ---------------------------------------------------------------- locations

LOCATION_FIELDS = (
    "name",
    "slug",
    "kind",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "phone",
    "time_zone",
)


@dataclass(frozen=True)
class HoursInterval:
    weekday: int
    start: time
    end: time


def _check_intervals(intervals: Sequence[HoursInterval], field: str) -> None:
    """Each interval starts before it ends, and intervals on one day do not overlap."""
    errors = []
    by_day: dict[int, list[HoursInterval]] = {}
    for interval in intervals:
        if not 0 <= interval.weekday <= 6:
            errors.append(f"{interval.weekday} is not a weekday (0 is Monday, 6 Sunday).")
        elif interval.start >= interval.end:
            errors.append(f"{interval.start:%H:%M}-{interval.end:%H:%M}: the start must come before the end.")
        by_day.setdefault(interval.weekday, []).append(interval)
    for day in by_day.values():
        day.sort(key=lambda i: i.start)
        for earlier, later in pairwise(day):
            if later.start < earlier.end:
                errors.append(
                    f"{earlier.start:%H:%M}-{earlier.end:%H:%M} and {later.start:%H:%M}-{later.end:%H:%M} overlap."
                )
    if errors:
        raise ValidationError({field: errors})


@transaction.atomic
def location_create(*, actor: User, fields: dict[str, Any], opening_hours: Sequence[HoursInterval] = ()) -> Location:
    require(policy.can_manage_locations(actor), "Only practice admins manage locations.")
    unknown = set(fields) - set(LOCATION_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be set." for name in sorted(unknown)})
    location = Location(**fields)
    if not location.slug:
        location.slug = slugify(location.name)
    location.full_clean()
    location.save()
    if opening_hours:
        _replace_opening_hours(location, opening_hours)
    audit_record(actor=actor, action=AuditAction.LOCATION_CREATED, target=location, name=location.name)
    return location


@transaction.atomic
def location_update(*, actor: User, location: Location, fields: dict[str, Any]) -> Location:
    require(policy.can_manage_locations(actor), "Only practice admins manage locations.")
    unknown = set(fields) - set(LOCATION_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be set." for name in sorted(unknown)})
    changed = {name: value for name, value in fields.items() if getattr(location, name) != value}
    for name, value in changed.items():
        setattr(location, name, value)
    location.full_clean()
    location.save()
    audit_record(actor=actor, action=AuditAction.LOCATION_UPDATED, target=location, fields=sorted(changed))
    return location


def _replace_opening_hours(location: Location, intervals: Sequence[HoursInterval]) -> None:
    _check_intervals(intervals, "opening_hours")
    OpeningHours.objects.filter(location=location).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(location=location, weekday=i.weekday, opens=i.start, closes=i.end) for i in intervals
    )


@transaction.atomic
def location_set_opening_hours(*, actor: User, location: Location, intervals: Sequence[HoursInterval]) -> Location:
    """Replace the location's weekly opening hours (a weekday without intervals is closed)."""
    require(policy.can_manage_locations(actor), "Only practice admins manage locations.")
    _replace_opening_hours(location, intervals)
    audit_record(
        actor=actor,
        action=AuditAction.LOCATION_HOURS_SET,
        target=location,
        hours=[[i.weekday, f"{i.start:%H:%M}", f"{i.end:%H:%M}"] for i in intervals],
    )
    return location


@transaction.atomic
def location_deactivate(*, actor: User, location: Location) -> Location:
    """Take no new appointments there; its past and booked appointments stay as they are."""
    require(policy.can_manage_locations(actor), "Only practice admins manage locations.")
    location.is_active = False
    location.save(update_fields=["is_active"])
    audit_record(actor=actor, action=AuditAction.LOCATION_DEACTIVATED, target=location)
    return location


@transaction.atomic
def location_activate(*, actor: User, location: Location) -> Location:
    require(policy.can_manage_locations(actor), "Only practice admins manage locations.")
    location.is_active = True
    location.save(update_fields=["is_active"])
    audit_record(actor=actor, action=AuditAction.LOCATION_ACTIVATED, target=location)
    return location


# ---------------------------------------------------------------- counselors


def _require_counselor(counselor: User) -> None:
    if counselor.role != Role.COUNSELOR:
        raise ValidationError({"counselor": f"{counselor.full_name} is not a counselor."})


@transaction.atomic
def counselor_profile_save(
    *,
    actor: User,
    counselor: User,
    credentials: str = "",
    title: str = "",
    bio: str = "",
    specialties: Iterable[Specialty] = (),
    locations: Iterable[Location] = (),
    sees_online: bool = False,
    is_accepting_new_clients: bool = True,
    on_leave: bool = False,
) -> CounselorProfile:
    """Create or replace a counselor's public profile."""
    require(policy.can_manage_schedule_of(actor, counselor), "You may only change your own profile.")
    _require_counselor(counselor)
    profile = CounselorProfile.objects.filter(user=counselor).first() or CounselorProfile(
        user=counselor, slug=_unique_profile_slug(counselor)
    )
    profile.credentials = credentials.strip()
    profile.title = title.strip()
    profile.bio = bio.strip()
    profile.sees_online = sees_online
    profile.is_accepting_new_clients = is_accepting_new_clients
    profile.on_leave = on_leave
    profile.full_clean()
    profile.save()
    profile.specialties.set(specialties)
    profile.locations.set(locations)
    audit_record(actor=actor, action=AuditAction.COUNSELOR_PROFILE_SAVED, target=profile, on_leave=on_leave)
    return profile


def _unique_profile_slug(counselor: User) -> str:
    base = slugify(counselor.full_name) or f"counselor-{counselor.pk}"
    slug, number = base, 2
    while CounselorProfile.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def working_hours_set(
    *, actor: User, counselor: User, location: Location, intervals: Sequence[HoursInterval]
) -> list[WorkingHours]:
    """Replace the counselor's weekly hours at one location.

    A counselor cannot be in two places at once: intervals may not overlap
    their hours at any other location on the same weekday.
    """
    require(policy.can_manage_schedule_of(actor, counselor), "You may only change your own working hours.")
    _require_counselor(counselor)
    elsewhere = WorkingHours.objects.filter(counselor=counselor).exclude(location=location).select_related("location")
    _check_intervals([*intervals, *(HoursInterval(h.weekday, h.start, h.end) for h in elsewhere)], "working_hours")
    WorkingHours.objects.filter(counselor=counselor, location=location).delete()
    rows = WorkingHours.objects.bulk_create(
        WorkingHours(counselor=counselor, location=location, weekday=i.weekday, start=i.start, end=i.end)
        for i in intervals
    )
    # Working somewhere puts the location on the public profile.
    profile = CounselorProfile.objects.filter(user=counselor).first()
    if profile is not None and intervals:
        profile.locations.add(location)
    audit_record(
        actor=actor,
        action=AuditAction.WORKING_HOURS_SET,
        target=counselor,
        location=location.pk,
        hours=[[i.weekday, f"{i.start:%H:%M}", f"{i.end:%H:%M}"] for i in intervals],
    )
    return rows


@transaction.atomic
def time_off_add(*, actor: User, counselor: User, starts_on: date, ends_on: date, reason: str = "") -> TimeOff:
    """Block whole days. Appointments already booked then are left for staff to move."""
    require(policy.can_manage_schedule_of(actor, counselor), "You may only change your own time off.")
    _require_counselor(counselor)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The last day off cannot come before the first."})
    time_off = TimeOff(counselor=counselor, starts_on=starts_on, ends_on=ends_on, reason=reason.strip())
    time_off.full_clean()
    time_off.save()
    audit_record(
        actor=actor, action=AuditAction.TIME_OFF_ADDED, target=time_off, starts_on=str(starts_on), ends_on=str(ends_on)
    )
    return time_off


@transaction.atomic
def time_off_remove(*, actor: User, time_off: TimeOff) -> None:
    require(policy.can_manage_schedule_of(actor, time_off.counselor), "You may only change your own time off.")
    audit_record(actor=actor, action=AuditAction.TIME_OFF_REMOVED, target=time_off)
    time_off.delete()


# ---------------------------------------------------------------- availability checks


def _aware(moment: datetime, field: str) -> datetime:
    if timezone.is_naive(moment):
        raise ValidationError({field: "Give a time with its time zone."})
    # In UTC from here on: adding a timedelta to a zoned datetime moves its
    # wall clock, which is wrong across a daylight-saving change.
    return moment.astimezone(UTC)


def _fits(intervals: Iterable[tuple[time, time]], start: time, end: time) -> bool:
    return any(opens <= start and end <= closes for opens, closes in intervals)


def _hours_problems(*, counselor: User, location: Location, start: datetime, end: datetime) -> list[str]:
    """Why this time is outside the counselor's working hours or the location's opening hours."""
    tz = location.tz
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    if local_end.date() != local_start.date():
        return ["A session cannot run past midnight."]
    weekday = local_start.weekday()
    problems = []
    working = WorkingHours.objects.filter(counselor=counselor, location=location, weekday=weekday)
    if not _fits(working.values_list("start", "end"), local_start.time(), local_end.time()):
        problems.append(f"{counselor.full_name} does not work at {location.name} then.")
    opening = OpeningHours.objects.filter(location=location, weekday=weekday)
    if not _fits(opening.values_list("opens", "closes"), local_start.time(), local_end.time()):
        problems.append(f"{location.name} is not open then.")
    return problems


def _is_time_off(counselor: User, day: date) -> bool:
    return TimeOff.objects.filter(counselor=counselor, starts_on__lte=day, ends_on__gte=day).exists()


def _profile_on_leave(counselor: User) -> bool:
    return CounselorProfile.objects.filter(user=counselor, on_leave=True).exists()


def _lock_people(user_ids: Iterable[int]) -> None:
    """Serialise bookings that take any of these people's time.

    FOR NO KEY UPDATE: it conflicts with other bookings' locks but not with
    inserts that merely reference the user (FOR KEY SHARE). On SQLite this
    is a no-op; there the database-wide write lock serialises writers.
    """
    list(User.objects.select_for_update(no_key=True).filter(pk__in=sorted(set(user_ids))).order_by("pk").values("pk"))


def _find_conflicts(
    *,
    counselor: User,
    participant_ids: Sequence[int],
    intervals: Sequence[tuple[datetime, datetime]],
    exclude_ids: Sequence[int] = (),
) -> list[Conflict]:
    """Requested or confirmed appointments overlapping any interval, for the counselor or a participant."""
    if not intervals:
        return []
    span = Q()
    for start, end in intervals:
        span |= Q(start__lt=end, end__gt=start)
    conflicts = [
        Conflict(a.pk, counselor.full_name, a.start, a.end)
        for a in Appointment.objects.filter(span, counselor=counselor, status__in=BLOCKING_STATUSES)
        .exclude(pk__in=exclude_ids)
        .only("pk", "start", "end")
    ]
    if participant_ids:
        taken = (
            AppointmentParticipant.objects.filter(span, user_id__in=participant_ids, is_blocking=True)
            .exclude(appointment_id__in=exclude_ids)
            .exclude(appointment__counselor=counselor)  # already named as the counselor's
            .select_related("user")
        )
        conflicts += [Conflict(p.appointment_id, p.user.full_name, p.start, p.end) for p in taken]
    return sorted(conflicts, key=lambda c: (c.start, c.person))


def _conflict_error(conflicts: Sequence[Conflict], location: Location) -> AppointmentConflict:
    described = "; ".join(c.describe(location.tz) for c in conflicts)
    return AppointmentConflict(f"This time is taken: {described}.", conflicts)


def _participant_ids(*, kind: str, couple: Couple | None, individual_client: User | None) -> list[int]:
    if kind == AppointmentKind.INDIVIDUAL_SESSION and individual_client is not None:
        return [individual_client.pk]
    if kind == AppointmentKind.COUPLE_SESSION and couple is not None:
        return [couple.partner_one_id, couple.partner_two_id]
    return []


def _sync_participants(appointment: Appointment) -> None:
    """Copy the appointment's clients, time and blocking state into AppointmentParticipant."""
    AppointmentParticipant.objects.filter(appointment=appointment).delete()
    AppointmentParticipant.objects.bulk_create(
        AppointmentParticipant(
            appointment=appointment,
            user_id=user_id,
            start=appointment.start,
            end=appointment.end,
            is_blocking=appointment.is_blocking,
        )
        for user_id in appointment.participant_ids()
    )


def _save_checked(appointment: Appointment, *, participant_ids: Sequence[int], exclude_ids: Sequence[int]) -> None:
    """Save the appointment and its participants; an exclusion-constraint violation becomes a conflict."""
    try:
        with transaction.atomic():
            appointment.save()
            _sync_participants(appointment)
    except IntegrityError as exc:
        if "no_overlap" not in str(exc):
            raise
        conflicts = _find_conflicts(
            counselor=appointment.counselor,
            participant_ids=participant_ids,
            intervals=[(appointment.start, appointment.end)],
            exclude_ids=exclude_ids,
        )
        raise _conflict_error(conflicts, appointment.location) from exc


def _record_change(
    appointment: Appointment,
    *,
    actor: User | None,
    action: str,
    from_status: str = "",
    from_start: datetime | None = None,
    from_end: datetime | None = None,
    reason: str = "",
) -> AppointmentChange:
    change = AppointmentChange.objects.create(
        appointment=appointment,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=appointment.status,
        from_start=from_start,
        from_end=from_end,
        to_start=appointment.start,
        to_end=appointment.end,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=AuditAction(f"appointment.{action}"),
        target=appointment,
        status=appointment.status,
        start=appointment.start.isoformat(),
        **({"reason": reason} if reason else {}),
    )
    signals.send_appointment_changed(appointment=appointment, action=action, actor=actor)
    return change


# ---------------------------------------------------------------- booking


@dataclass(frozen=True)
class _Who:
    kind: str
    couple: Couple | None
    individual_client: User | None
    intake_names: str
    intake_email: str
    intake_phone: str


def _validate_who(*, counselor: User, who: _Who) -> None:
    errors: dict[str, str] = {}
    if who.kind not in AppointmentKind.values:
        errors["kind"] = f"Choose one of: {', '.join(AppointmentKind.values)}."
    elif who.kind == AppointmentKind.INTAKE:
        if not who.intake_names.strip():
            errors["intake_names"] = "Enter the prospective clients' names."
        if who.couple is not None:
            errors["couple"] = "An intake is for people who are not a couple here yet."
    else:
        if who.couple is None:
            errors["couple"] = "Choose the couple."
        elif who.couple.status != CoupleStatus.ACTIVE:
            errors["couple"] = "This couple is not active."
        elif not policy.counselor_serves_couple(counselor, who.couple):
            errors["couple"] = f"{counselor.full_name} is not one of this couple's counselors."
        if who.kind == AppointmentKind.INDIVIDUAL_SESSION:
            if who.individual_client is None:
                errors["individual_client"] = "Choose which partner the session is for."
            elif who.couple is not None and who.individual_client.pk not in (
                who.couple.partner_one_id,
                who.couple.partner_two_id,
            ):
                errors["individual_client"] = "Choose one of the couple's partners."
        elif who.individual_client is not None:
            errors["individual_client"] = "Only an individual session is for one partner."
    if errors:
        raise ValidationError(errors)


def _validate_when(
    *,
    actor: User,
    counselor: User,
    location: Location,
    start: datetime,
    end: datetime,
    override_hours_reason: str,
) -> list[str]:
    """Refuse what no one may book; return the hours problems an admin may override."""
    if counselor.role != Role.COUNSELOR or not counselor.is_active:
        raise ValidationError({"counselor": "Choose an active counselor."})
    if _profile_on_leave(counselor):
        raise ValidationError({"counselor": f"{counselor.full_name} is on leave and takes no appointments."})
    if not location.is_active:
        raise ValidationError({"location": f"{location.name} is closed and takes no new appointments."})
    if end <= start:
        raise ValidationError({"end": "The end must come after the start."})
    if start <= timezone.now():
        raise ValidationError({"start": "Choose a time in the future."})
    if _is_time_off(counselor, start.astimezone(location.tz).date()):
        raise ValidationError({"start": f"{counselor.full_name} is off that day."})
    problems = _hours_problems(counselor=counselor, location=location, start=start, end=end)
    if problems and not override_hours_reason.strip():
        raise ValidationError({"start": problems})
    if problems and not policy.can_override_hours(actor):
        raise ValidationError({"start": [*problems, "Only a practice admin can book outside the hours."]})
    return problems


def _duration(start: datetime, end: datetime | None, duration_minutes: int | None) -> datetime:
    if end is not None:
        return _aware(end, "end")
    minutes = duration_minutes or PracticeSettings.load().default_duration_minutes
    return start + timedelta(minutes=minutes)


def _new_appointment(
    *,
    actor: User,
    counselor: User,
    location: Location,
    start: datetime,
    end: datetime,
    who: _Who,
    status: str,
    telehealth_url: str,
    staff_note: str,
    override_problems: Sequence[str],
    override_hours_reason: str,
    series: AppointmentSeries | None = None,
    intake_request: IntakeRequest | None = None,
) -> Appointment:
    if telehealth_url and not location.is_online:
        raise ValidationError({"telehealth_url": "Only online appointments have a telehealth link."})
    appointment = Appointment(
        counselor=counselor,
        location=location,
        start=start,
        end=end,
        kind=who.kind,
        couple=who.couple,
        individual_client=who.individual_client,
        intake_names=who.intake_names.strip(),
        intake_email=who.intake_email.strip(),
        intake_phone=who.intake_phone.strip(),
        intake_request=intake_request,
        status=status,
        telehealth_url=telehealth_url.strip(),
        staff_note=staff_note.strip(),
        series=series,
        created_by=actor,
    )
    if override_problems:
        appointment.hours_override_by = actor
        appointment.hours_override_reason = override_hours_reason.strip()
    # The overlap is checked under lock by the caller; the exclusion
    # constraints' own validation would be a second, unlocked query.
    appointment.full_clean(validate_constraints=False)
    return appointment


@transaction.atomic
def appointment_book(
    *,
    actor: User,
    counselor: User,
    location: Location,
    start: datetime,
    end: datetime | None = None,
    duration_minutes: int | None = None,
    kind: str = AppointmentKind.COUPLE_SESSION,
    couple: Couple | None = None,
    individual_client: User | None = None,
    intake_names: str = "",
    intake_email: str = "",
    intake_phone: str = "",
    intake_request: IntakeRequest | None = None,
    telehealth_url: str = "",
    staff_note: str = "",
    override_hours_reason: str = "",
) -> Appointment:
    """Book a confirmed appointment: admins for any counselor, counselors for themselves.

    Outside working or opening hours only with an admin's override reason,
    which is recorded on the appointment. Raises AppointmentConflict when
    the counselor or a partner is already booked then.
    """
    require(policy.can_manage_schedule_of(actor, counselor), "Counselors book only their own appointments.")
    start = _aware(start, "start")
    end = _duration(start, end, duration_minutes)
    who = _Who(kind, couple, individual_client, intake_names, intake_email, intake_phone)
    _validate_who(counselor=counselor, who=who)
    problems = _validate_when(
        actor=actor, counselor=counselor, location=location, start=start, end=end,
        override_hours_reason=override_hours_reason,
    )  # fmt: skip
    appointment = _new_appointment(
        actor=actor, counselor=counselor, location=location, start=start, end=end, who=who,
        status=AppointmentStatus.CONFIRMED, telehealth_url=telehealth_url, staff_note=staff_note,
        override_problems=problems, override_hours_reason=override_hours_reason, intake_request=intake_request,
    )  # fmt: skip
    participant_ids = _participant_ids(kind=kind, couple=couple, individual_client=individual_client)
    _lock_people([counselor.pk, *participant_ids])
    conflicts = _find_conflicts(counselor=counselor, participant_ids=participant_ids, intervals=[(start, end)])
    if conflicts:
        raise _conflict_error(conflicts, location)
    _save_checked(appointment, participant_ids=participant_ids, exclude_ids=[])
    _record_change(appointment, actor=actor, action=ChangeAction.BOOKED)
    if problems:
        audit_record(
            actor=actor, action=AuditAction.APPOINTMENT_HOURS_OVERRIDDEN, target=appointment,
            problems=problems, reason=appointment.hours_override_reason,
        )  # fmt: skip
    if intake_request is not None:
        IntakeRequest.objects.filter(pk=intake_request.pk).update(status=IntakeStatus.SCHEDULED, handled_by=actor)
    return appointment


@transaction.atomic
def appointment_book_series(
    *,
    actor: User,
    counselor: User,
    location: Location,
    first_start: datetime,
    interval_weeks: int = 1,
    until: date | None = None,
    count: int | None = None,
    duration_minutes: int | None = None,
    kind: str = AppointmentKind.COUPLE_SESSION,
    couple: Couple | None = None,
    individual_client: User | None = None,
    telehealth_url: str = "",
    staff_note: str = "",
    override_hours_reason: str = "",
) -> AppointmentSeries:
    """Book weekly or every-other-week sessions, each its own confirmed appointment.

    The whole series is checked first; if any date is taken (SeriesConflict)
    or outside the hours (ValidationError), the dates are listed and
    nothing is saved.
    """
    require(policy.can_manage_schedule_of(actor, counselor), "Counselors book only their own appointments.")
    if kind == AppointmentKind.INTAKE:
        raise ValidationError({"kind": "An intake is a single appointment."})
    first_start = _aware(first_start, "first_start")
    tz = location.tz
    minutes = duration_minutes or PracticeSettings.load().default_duration_minutes
    rule = recurrence.weekly_rule(interval_weeks=interval_weeks, until=until, count=count, tz=tz)
    starts = [start.astimezone(UTC) for start in recurrence.occurrences(rule, first_start, tz)]
    length = timedelta(minutes=minutes)
    who = _Who(kind, couple, individual_client, "", "", "")
    _validate_who(counselor=counselor, who=who)

    date_errors: list[str] = []
    problems_by_start: dict[datetime, list[str]] = {}
    for start in starts:
        try:
            problems_by_start[start] = _validate_when(
                actor=actor, counselor=counselor, location=location, start=start, end=start + length,
                override_hours_reason=override_hours_reason,
            )  # fmt: skip
        except ValidationError as exc:
            date_errors += [f"{start.astimezone(tz):%a %-d %b %Y}: {message}" for message in exc.messages]
    if date_errors:
        raise ValidationError({"first_start": date_errors})

    participant_ids = _participant_ids(kind=kind, couple=couple, individual_client=individual_client)
    _lock_people([counselor.pk, *participant_ids])
    intervals = [(start, start + length) for start in starts]
    conflicts = _find_conflicts(counselor=counselor, participant_ids=participant_ids, intervals=intervals)
    if conflicts:
        dates = sorted(
            {s.astimezone(tz).date() for s, e in intervals if any(c.start < e and c.end > s for c in conflicts)}
        )
        listed = ", ".join(f"{d:%a %-d %b %Y}" for d in dates)
        described = "; ".join(c.describe(tz) for c in conflicts)
        raise SeriesConflict(f"These dates are taken: {listed}. {described}.", conflicts, dates)

    series = AppointmentSeries.objects.create(
        counselor=counselor, couple=couple, individual_client=individual_client, location=location, kind=kind,
        rrule=rule, first_start=starts[0], duration_minutes=minutes, created_by=actor,
    )  # fmt: skip
    for start in starts:
        appointment = _new_appointment(
            actor=actor, counselor=counselor, location=location, start=start, end=start + length, who=who,
            status=AppointmentStatus.CONFIRMED, telehealth_url=telehealth_url, staff_note=staff_note,
            override_problems=problems_by_start[start], override_hours_reason=override_hours_reason, series=series,
        )  # fmt: skip
        _save_checked(appointment, participant_ids=participant_ids, exclude_ids=[])
        _record_change(appointment, actor=actor, action=ChangeAction.BOOKED)
    audit_record(
        actor=actor, action=AuditAction.APPOINTMENT_SERIES_BOOKED, target=series, rrule=rule, sessions=len(starts)
    )
    return series


def _locked(appointment: Appointment) -> Appointment:
    """Re-read the appointment under lock, so two changes to it apply one after the other."""
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("counselor", "location", "couple")
        .get(pk=appointment.pk)
    )


@transaction.atomic
def appointment_reschedule(
    *,
    actor: User,
    appointment: Appointment,
    start: datetime,
    end: datetime | None = None,
    location: Location | None = None,
    reason: str = "",
    override_hours_reason: str = "",
) -> Appointment:
    """Move one appointment (keeping its length unless an end is given); its history keeps the old time."""
    appointment = _locked(appointment)
    require(policy.can_manage_appointment(actor, appointment), "You cannot change this appointment.")
    if not appointment.is_blocking:
        raise ValidationError({"status": f"A {appointment.get_status_display().lower()} appointment cannot be moved."})
    start = _aware(start, "start")
    end = _aware(end, "end") if end is not None else start + appointment.duration
    location = location or appointment.location
    problems = _validate_when(
        actor=actor, counselor=appointment.counselor, location=location, start=start, end=end,
        override_hours_reason=override_hours_reason,
    )  # fmt: skip
    participant_ids = appointment.participant_ids()
    _lock_people([appointment.counselor_id, *participant_ids])
    conflicts = _find_conflicts(
        counselor=appointment.counselor, participant_ids=participant_ids, intervals=[(start, end)],
        exclude_ids=[appointment.pk],
    )  # fmt: skip
    if conflicts:
        raise _conflict_error(conflicts, location)
    from_start, from_end = appointment.start, appointment.end
    appointment.start, appointment.end, appointment.location = start, end, location
    if telehealth_lost := (appointment.telehealth_url and not location.is_online):
        appointment.telehealth_url = ""
    if problems:
        appointment.hours_override_by = actor
        appointment.hours_override_reason = override_hours_reason.strip()
    appointment.sequence += 1
    appointment.full_clean(validate_constraints=False)
    _save_checked(appointment, participant_ids=participant_ids, exclude_ids=[appointment.pk])
    _record_change(
        appointment, actor=actor, action=ChangeAction.RESCHEDULED, from_status=appointment.status,
        from_start=from_start, from_end=from_end, reason=reason.strip(),
    )  # fmt: skip
    if telehealth_lost:
        audit_record(actor=actor, action=AuditAction.APPOINTMENT_TELEHEALTH_REMOVED, target=appointment)
    return appointment


def _end_blocking(appointment: Appointment) -> None:
    appointment.sequence += 1
    appointment.save()
    AppointmentParticipant.objects.filter(appointment=appointment).update(is_blocking=False)


@transaction.atomic
def appointment_cancel(*, actor: User, appointment: Appointment, reason: str) -> Appointment:
    """Cancel, keeping who and why; less than the practice's late-cancel hours ahead is flagged late."""
    appointment = _locked(appointment)
    require(policy.can_cancel_appointment(actor, appointment), "You cannot cancel this appointment.")
    if not appointment.is_blocking:
        raise ValidationError({"status": f"This appointment is already {appointment.get_status_display().lower()}."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the appointment is cancelled."})
    now = timezone.now()
    if appointment.start <= now:
        raise ValidationError({"status": "This appointment has started; record it as completed or a no-show."})
    late_within = timedelta(hours=PracticeSettings.load().late_cancel_hours)
    previous = appointment.status
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_by = actor
    appointment.cancelled_at = now
    appointment.cancellation_reason = reason.strip()
    appointment.late_cancellation = appointment.start - now < late_within
    _end_blocking(appointment)
    _record_change(appointment, actor=actor, action=ChangeAction.CANCELLED, from_status=previous, reason=reason.strip())
    return appointment


@transaction.atomic
def appointment_request(
    *,
    actor: User,
    counselor: User,
    location: Location,
    start: datetime,
    duration_minutes: int | None = None,
    note: str = "",
) -> Appointment:
    """A client asks for one of their counselor's free slots, for a couple session; staff confirm or decline."""
    if not (actor.is_authenticated and actor.role == Role.CLIENT):
        raise PermissionDenied("Only clients request appointments; staff book them.")
    if not PracticeSettings.load().clients_may_request:
        raise PermissionDenied("The practice takes appointment requests by phone; call the front desk.")
    couple = (
        Couple.objects.filter(Q(partner_one=actor) | Q(partner_two=actor), status__in=OPEN_COUPLE_STATUSES)
        .select_related("partner_one", "partner_two")
        .first()
    )
    if couple is None or couple.status != CoupleStatus.ACTIVE:
        raise ValidationError("Only clients of an active couple can request appointments.")
    if not policy.counselor_serves_couple(counselor, couple):
        raise ValidationError({"counselor": "Request a time with your own counselor."})
    start = _aware(start, "start")
    minutes = duration_minutes or PracticeSettings.load().default_duration_minutes
    end = start + timedelta(minutes=minutes)
    who = _Who(AppointmentKind.COUPLE_SESSION, couple, None, "", "", "")
    _validate_when(actor=actor, counselor=counselor, location=location, start=start, end=end, override_hours_reason="")
    participant_ids = _participant_ids(kind=who.kind, couple=couple, individual_client=None)
    _lock_people([counselor.pk, *participant_ids])
    # Under the lock: the slot must still be one the search offers (buffer included).
    if not slots.is_free_slot(
        counselor=counselor, location=location, start=start, duration=timedelta(minutes=minutes), couple=couple
    ):
        conflicts = _find_conflicts(counselor=counselor, participant_ids=participant_ids, intervals=[(start, end)])
        if conflicts:
            raise _conflict_error(conflicts, location)
        raise AppointmentConflict("This time is no longer free; choose another from the list.")
    appointment = _new_appointment(
        actor=actor, counselor=counselor, location=location, start=start, end=end, who=who,
        status=AppointmentStatus.REQUESTED, telehealth_url="", staff_note="", override_problems=[],
        override_hours_reason="",
    )  # fmt: skip
    _save_checked(appointment, participant_ids=participant_ids, exclude_ids=[])
    _record_change(appointment, actor=actor, action=ChangeAction.REQUESTED, reason=note.strip()[:300])
    return appointment


@transaction.atomic
def appointment_confirm(*, actor: User, appointment: Appointment) -> Appointment:
    appointment = _locked(appointment)
    require(policy.can_manage_appointment(actor, appointment), "You cannot confirm this appointment.")
    if appointment.status != AppointmentStatus.REQUESTED:
        raise ValidationError({"status": "Only a requested appointment can be confirmed."})
    appointment.status = AppointmentStatus.CONFIRMED
    appointment.sequence += 1
    appointment.save()
    _record_change(appointment, actor=actor, action=ChangeAction.CONFIRMED, from_status=AppointmentStatus.REQUESTED)
    return appointment


@transaction.atomic
def appointment_decline(*, actor: User, appointment: Appointment, reason: str) -> Appointment:
    """Turn a request down: it becomes cancelled (never late), with the reason the couple is told."""
    appointment = _locked(appointment)
    require(policy.can_manage_appointment(actor, appointment), "You cannot decline this appointment.")
    if appointment.status != AppointmentStatus.REQUESTED:
        raise ValidationError({"status": "Only a requested appointment can be declined."})
    if not reason.strip():
        raise ValidationError({"reason": "Tell the couple why, or suggest another time."})
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_by = actor
    appointment.cancelled_at = timezone.now()
    appointment.cancellation_reason = reason.strip()
    _end_blocking(appointment)
    _record_change(
        appointment, actor=actor, action=ChangeAction.DECLINED, from_status=AppointmentStatus.REQUESTED,
        reason=reason.strip(),
    )  # fmt: skip
    return appointment


@transaction.atomic
def appointment_record_outcome(*, actor: User, appointment: Appointment, status: str) -> Appointment:
    """After the session: completed or no-show."""
    appointment = _locked(appointment)
    require(policy.can_manage_appointment(actor, appointment), "You cannot change this appointment.")
    outcomes = {AppointmentStatus.COMPLETED: ChangeAction.COMPLETED, AppointmentStatus.NO_SHOW: ChangeAction.NO_SHOW}
    if status not in outcomes:
        raise ValidationError({"status": "Record the session as completed or a no-show."})
    if appointment.status != AppointmentStatus.CONFIRMED:
        raise ValidationError({"status": "Only a confirmed appointment has an outcome."})
    if appointment.start > timezone.now():
        raise ValidationError({"status": "The session has not started yet."})
    previous = appointment.status
    appointment.status = status
    # Past time no longer needs guarding, and no one can book the past.
    _end_blocking(appointment)
    _record_change(appointment, actor=actor, action=outcomes[AppointmentStatus(status)], from_status=previous)
    return appointment


# ---------------------------------------------------------------- intake requests


@transaction.atomic
def intake_request_create(
    *,
    names: str,
    email: str,
    phone: str = "",
    note: str = "",
    counselor: User | None = None,
    preferred_location: Location | None = None,
    prefers_online: bool = False,
    specialty: Specialty | None = None,
    preferred_times: str = "",
) -> IntakeRequest:
    """A prospective client's request from a public profile (spam checks are the view's)."""
    errors: dict[str, str] = {}
    if not names.strip():
        errors["names"] = "Enter your names."
    if not email.strip():
        errors["email"] = "Enter an e-mail address we can reply to."
    if counselor is not None and (
        counselor.role != Role.COUNSELOR or not counselor.is_active or _profile_on_leave(counselor)
    ):
        errors["counselor"] = "This counselor is not taking requests."
    if preferred_location is not None and not preferred_location.is_active:
        errors["preferred_location"] = "Choose an open location."
    if errors:
        raise ValidationError(errors)
    intake = IntakeRequest(
        counselor=counselor, preferred_location=preferred_location, prefers_online=prefers_online,
        specialty=specialty, preferred_times=preferred_times.strip(), names=names.strip(),
        email=email.strip().lower(), phone=phone.strip(), note=note.strip(),
    )  # fmt: skip
    intake.full_clean()
    intake.save()
    audit_record(actor=None, action=AuditAction.INTAKE_REQUEST_CREATED, target=intake)
    signals.intake_requested_on_commit(intake)
    return intake


def intake_request_schedule(
    *,
    actor: User,
    intake: IntakeRequest,
    counselor: User,
    location: Location,
    start: datetime,
    duration_minutes: int | None = None,
    override_hours_reason: str = "",
) -> Appointment:
    """Turn a request into an intake appointment (the couple and invitations come later, in accounts)."""
    require(policy.is_practice_admin(actor), "Only practice admins schedule intake requests.")
    if intake.status != IntakeStatus.NEW:
        raise ValidationError({"status": "This request has already been handled."})
    return appointment_book(
        actor=actor, counselor=counselor, location=location, start=start, duration_minutes=duration_minutes,
        kind=AppointmentKind.INTAKE, intake_names=intake.names, intake_email=intake.email,
        intake_phone=intake.phone, intake_request=intake, override_hours_reason=override_hours_reason,
    )  # fmt: skip


def _split_names(names: str) -> tuple[str, str]:
    """A guess at two people in "Jamie and Pat Moore": ("Jamie Moore", "Pat Moore"); one name gives ("…", "")."""
    for separator in (" and ", " & ", " + ", ", "):
        if separator in names:
            first, second = (part.strip() for part in names.split(separator, 1))
            if first and second:
                if " " not in first and " " in second:
                    first = f"{first} {second.rsplit(' ', 1)[1]}"
                return first, second
    return names.strip(), ""


def intake_partner_guess(intake: IntakeRequest) -> dict[str, str]:
    """Initial values for the invitation form: the request's names split in two, its e-mail for the first."""
    first, second = _split_names(intake.names)
    return {"partner_one_name": first, "partner_one_email": intake.email, "partner_two_name": second}


@transaction.atomic
def intake_request_invite_couple(
    *,
    actor: User,
    intake: IntakeRequest,
    partner_one: PartnerDetails,
    partner_two: PartnerDetails,
    primary_counselor: User | None = None,
    time_zone: str | None = None,
) -> Couple:
    """After the intake: the prospective clients become a couple, and each partner gets an invitation.

    The request has one e-mail address; the second partner's name and address
    are asked for (accounts.services.couple_invite refuses a missing or shared
    one, naming the field). The counselor defaults to the intake's. The
    request and its intake appointments are linked to the new couple, which
    then sees its intake among its appointments.
    """
    require(policy.is_practice_admin(actor), "Only practice admins turn requests into couples.")
    intake = IntakeRequest.objects.select_for_update().get(pk=intake.pk)
    if intake.status == IntakeStatus.CONVERTED:
        raise ValidationError({"status": "This request is already a couple; see the couples list."})
    appointments = list(
        Appointment.objects.filter(intake_request=intake, kind=AppointmentKind.INTAKE)
        .select_related("counselor", "location")
        .order_by("-start")
    )
    held = [a for a in appointments if a.status != AppointmentStatus.CANCELLED]
    if intake.status != IntakeStatus.SCHEDULED or not held:
        raise ValidationError({"status": "Book the intake appointment first; invite the couple after it."})
    intake_appointment = held[0]
    couple = accounts_couple_invite(
        invited_by=actor, partner_one=partner_one, partner_two=partner_two,
        primary_counselor=primary_counselor or intake_appointment.counselor,
        time_zone=time_zone or intake_appointment.location.time_zone,
    )  # fmt: skip
    linked = Appointment.objects.filter(pk__in=[a.pk for a in appointments]).update(couple=couple)
    intake.couple = couple
    intake.status = IntakeStatus.CONVERTED
    intake.handled_by = actor
    intake.save(update_fields=["couple", "status", "handled_by"])
    audit_record(
        actor=actor, action=AuditAction.INTAKE_REQUEST_COUPLE_INVITED, target=intake, couple=couple.pk,
        appointments=sorted(a.pk for a in appointments), linked=linked,
    )  # fmt: skip
    return couple


# ---------------------------------------------------------------- calendar feeds


@transaction.atomic
def calendar_feed_enable(*, user: User) -> CalendarFeed:
    """The user's feed, made on first use."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if created:
        audit_record(actor=user, action=AuditAction.CALENDAR_FEED_ENABLED, target=feed)
    return feed


@transaction.atomic
def calendar_feed_regenerate(*, user: User) -> CalendarFeed:
    """A new secret URL; the old one stops working at once."""
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    feed.token = new_feed_token()
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    audit_record(actor=user, action=AuditAction.CALENDAR_FEED_REGENERATED, target=feed)
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> None:
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        audit_record(actor=user, action=AuditAction.CALENDAR_FEED_REVOKED, target=feed)
        feed.delete()
