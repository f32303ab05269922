"""Whether a time can be booked: inside the counselor's working hours and the
location's opening hours, not on time off or leave, and free for everyone
whose time it takes. Also the row locks that serialise bookings.

No double booking, on any database: a booking locks the rows of everyone
whose time it takes (the counselor and the clients, in id order so two
bookings cannot deadlock), then looks for overlapping requested or confirmed
appointments. On PostgreSQL the exclusion constraints on Appointment and
AppointmentParticipant also refuse an overlap, whatever wrote it; a
violation is reported as the same AppointmentConflict.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from portal import policy
from scheduling.models import (
    BLOCKING_STATUSES,
    LONGEST_APPOINTMENT,
    Appointment,
    AppointmentParticipant,
    CounselorProfile,
    Location,
    OpeningHours,
    PracticeSettings,
    TimeOff,
    Weekday,
    WorkingHours,
)
from scheduling.services.errors import AppointmentConflict, Conflict
from scheduling.services.locations import HoursInterval


def _aware(moment: datetime, field: str) -> datetime:
    if timezone.is_naive(moment):
        raise ValidationError({field: gettext("Give a time with its time zone.")})
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
        problems.append(
            gettext("%(counselor)s does not work at %(place)s then.")
            % {"counselor": counselor.full_name, "place": location.name}
        )
    opening = OpeningHours.objects.filter(location=location, weekday=weekday)
    if not _fits(opening.values_list("opens", "closes"), local_start.time(), local_end.time()):
        problems.append(gettext("%(place)s is not open then.") % {"place": location.name})
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
    return AppointmentConflict(gettext("This time is taken: %(described)s.") % {"described": described}, conflicts)


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
    if not policy.has_own_schedule(counselor) or not counselor.is_active:
        raise ValidationError({"counselor": gettext("Choose an active counselor.")})
    if _profile_on_leave(counselor):
        raise ValidationError(
            {"counselor": gettext("%(name)s is on leave and takes no appointments.") % {"name": counselor.full_name}}
        )
    if not location.is_active:
        raise ValidationError(
            {"location": gettext("%(place)s is closed and takes no new appointments.") % {"place": location.name}}
        )
    if end <= start:
        raise ValidationError({"end": gettext("The end must come after the start.")})
    if end - start > LONGEST_APPOINTMENT:
        hours = LONGEST_APPOINTMENT.total_seconds() / 3600
        longest = gettext("An appointment lasts at most %(hours)s hours.") % {"hours": f"{hours:g}"}
        raise ValidationError({"end": longest})
    if start <= timezone.now():
        raise ValidationError({"start": gettext("Choose a time in the future.")})
    if _is_time_off(counselor, start.astimezone(location.tz).date()):
        raise ValidationError({"start": gettext("%(name)s is off that day.") % {"name": counselor.full_name}})
    problems = _hours_problems(counselor=counselor, location=location, start=start, end=end)
    if problems and not override_hours_reason.strip():
        raise ValidationError({"start": problems})
    if problems and not policy.can_override_hours(actor):
        raise ValidationError({"start": [*problems, gettext("Only a practice admin can book outside the hours.")]})
    return problems


def _duration(start: datetime, end: datetime | None, duration_minutes: int | None) -> datetime:
    if end is not None:
        return _aware(end, "end")
    minutes = duration_minutes or PracticeSettings.load().default_duration_minutes
    return start + timedelta(minutes=minutes)


WEEKDAYS_PLURAL = (
    _("Mondays"),
    _("Tuesdays"),
    _("Wednesdays"),
    _("Thursdays"),
    _("Fridays"),
    _("Saturdays"),
    _("Sundays"),
)


def hours_outside_opening(*, location: Location, intervals: Sequence[HoursInterval]) -> list[str]:
    """Working hours that no one can book because the office is closed then:
    a day it does not open, or times outside its opening hours. A warning,
    not a refusal: the office's hours may be about to change, and the
    booking rule (_hours_problems) already needs both."""
    opening: dict[int, list[tuple[time, time]]] = {}
    for weekday, opens, closes in OpeningHours.objects.filter(location=location).values_list(
        "weekday", "opens", "closes"
    ):
        opening.setdefault(weekday, []).append((opens, closes))
    warnings = []
    for interval in sorted(intervals, key=lambda i: (i.weekday, i.start)):
        words = {
            "day": Weekday(interval.weekday).label,
            "days": WEEKDAYS_PLURAL[interval.weekday],
            "span": f"{interval.start:%H:%M}–{interval.end:%H:%M}",
            "place": location.name,
        }
        if interval.weekday not in opening:
            text = gettext("%(day)s %(span)s: %(place)s is closed on %(days)s, so no one can book these hours.")
            warnings.append(text % words)
        elif not _fits(opening[interval.weekday], interval.start, interval.end):
            open_spans = ", ".join(f"{o:%H:%M}–{c:%H:%M}" for o, c in sorted(opening[interval.weekday]))
            text = gettext(
                "%(day)s %(span)s is outside %(place)s's opening hours that day (%(open)s): "
                "the times when it is closed cannot be booked."
            )
            warnings.append(text % {**words, "open": open_spans})
    return warnings
