"""Free-slot search: when can a session start?

A start time is offered when the whole session [start, start + duration)
lies inside one of the counselor's working-hours intervals at the location
AND one of the location's opening-hours intervals that day, the day is not
time off, and it stays `buffer` clear of every requested or confirmed
appointment of the counselor (at any location) and, when a couple is given,
of either partner.

Start times sit on a wall-clock grid (every `step` minutes from midnight in
the location's time zone), so the offers read 9:00, 9:15, ... on either
side of a daylight-saving change: on a spring-forward day the skipped hour
offers nothing, on a fall-back day the repeated hour is offered once (its
first reading) so no two offers carry the same label. All arithmetic on real instants is done in
UTC; wall-clock times are only used to build intervals and the grid.

The data is fetched in one query per kind (locations, profiles, working
hours, opening hours, time off, appointments), whatever the date range.
"""

from __future__ import annotations

import bisect
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from accounts.models import Couple, User
from scheduling import selectors
from scheduling.models import (
    BLOCKING_STATUSES,
    Appointment,
    AppointmentParticipant,
    Location,
    OpeningHours,
    PracticeSettings,
    TimeOff,
    WorkingHours,
)

# Longest range one search may cover: keeps a careless API call cheap.
MAX_SEARCH_DAYS = 62


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime  # aware, in the location's time zone
    end: datetime
    counselor_id: int
    location_id: int

    @property
    def duration(self) -> timedelta:
        # Not `end - start`: Python subtracts two datetimes sharing a tzinfo
        # on the wall clock, which is wrong across a daylight-saving change.
        return self.end.astimezone(UTC) - self.start.astimezone(UTC)


Interval = tuple[datetime, datetime]  # aware UTC, half-open


def _intersect(first: Sequence[tuple[time, time]], second: Sequence[tuple[time, time]]) -> list[tuple[time, time]]:
    """The wall-clock intervals covered by both lists."""
    result = []
    for a_start, a_end in first:
        for b_start, b_end in second:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                result.append((start, end))
    return sorted(result)


def _merge(intervals: Iterable[Interval]) -> tuple[list[datetime], list[datetime]]:
    """Sorted, disjoint busy intervals, as parallel lists of starts and ends (for bisect)."""
    starts: list[datetime] = []
    ends: list[datetime] = []
    for start, end in sorted(intervals):
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _is_clear(busy_starts: list[datetime], busy_ends: list[datetime], start: datetime, end: datetime) -> bool:
    # In disjoint sorted intervals, only the last one starting before `end`
    # can reach past `start`: every earlier one ends before it begins.
    index = bisect.bisect_left(busy_starts, end) - 1
    return index < 0 or busy_ends[index] <= start


def _wall_clock(day: date, moment: time, tz: zoneinfo.ZoneInfo) -> datetime | None:
    """The instant a wall-clock time happens on a day, or None in a spring-forward gap."""
    local = datetime.combine(day, moment, tzinfo=tz)
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return local.astimezone(UTC)


def _window_end(day: date, moment: time, tz: zoneinfo.ZoneInfo) -> datetime:
    # A window's end may fall in a gap: the gap is closed time anyway, so end
    # at the earliest real instant after it (fold=1 gives the later offset).
    local = datetime.combine(day, moment, tzinfo=tz)
    return min(local.astimezone(UTC), local.replace(fold=1).astimezone(UTC))


def bookable_counselors(*, counselor: User | None, location: Location | None) -> list[User]:
    """Active counselors not on leave: the given one, or everyone with working hours at the location."""
    counselors = selectors.counselors_bookable()
    if counselor is not None:
        counselors = counselors.filter(pk=counselor.pk)
    if location is not None:
        counselors = counselors.filter(working_hours__location=location).distinct()
    return list(counselors)


def free_slots(
    *,
    date_from: date,
    date_to: date,
    counselor: User | None = None,
    location: Location | None = None,
    duration: timedelta | None = None,
    buffer: timedelta | None = None,
    step: timedelta | None = None,
    couple: Couple | None = None,
    now: datetime | None = None,
) -> list[Slot]:
    """Bookable start times from date_from to date_to (inclusive, in each location's time zone).

    Give a counselor (all their active locations), a location (every counselor
    working there), or both. Slots in the past are never offered.
    """
    if counselor is None and location is None:
        raise ValueError("Search for a counselor, a location, or both.")
    if date_to < date_from or (date_to - date_from).days > MAX_SEARCH_DAYS:
        raise ValueError(f"Search a range of 1 to {MAX_SEARCH_DAYS + 1} days.")
    if duration is None or buffer is None or step is None:
        practice = PracticeSettings.load()
        duration = duration or timedelta(minutes=practice.default_duration_minutes)
        buffer = buffer if buffer is not None else timedelta(minutes=practice.buffer_minutes)
        step = step or timedelta(minutes=practice.slot_step_minutes)
    step_minutes = max(1, int(step.total_seconds() // 60))
    now = now or timezone.now()

    counselors = {c.pk: c for c in bookable_counselors(counselor=counselor, location=location)}
    if not counselors:
        return []
    hours = list(
        WorkingHours.objects.filter(
            counselor_id__in=counselors, location__is_active=True, **({"location": location} if location else {})
        ).select_related("location")
    )
    locations = {h.location_id: h.location for h in hours}
    if not locations:
        return []
    opening: dict[tuple[int, int], list[tuple[time, time]]] = defaultdict(list)
    for row in OpeningHours.objects.filter(location_id__in=locations).values_list(
        "location_id", "weekday", "opens", "closes"
    ):
        opening[(row[0], row[1])].append((row[2], row[3]))
    working: dict[tuple[int, int, int], list[tuple[time, time]]] = defaultdict(list)
    for h in hours:
        working[(h.counselor_id, h.location_id, h.weekday)].append((h.start, h.end))

    # A day before and after: time zones make a local day straddle two UTC dates.
    span_start = datetime.combine(date_from - timedelta(days=1), time.min, tzinfo=UTC)
    span_end = datetime.combine(date_to + timedelta(days=2), time.min, tzinfo=UTC)
    days_off: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for counselor_id, starts_on, ends_on in TimeOff.objects.filter(
        counselor_id__in=counselors, starts_on__lte=date_to, ends_on__gte=date_from
    ).values_list("counselor_id", "starts_on", "ends_on"):
        days_off[counselor_id].append((starts_on, ends_on))

    busy: dict[int, list[Interval]] = defaultdict(list)
    for counselor_id, start, end in Appointment.objects.filter(
        counselor_id__in=counselors,
        status__in=BLOCKING_STATUSES,
        start__lt=span_end + buffer,
        end__gt=span_start - buffer,
    ).values_list("counselor_id", "start", "end"):
        busy[counselor_id].append((start - buffer, end + buffer))
    partners_busy: list[Interval] = []
    if couple is not None:
        partners_busy = [
            (start - buffer, end + buffer)
            for start, end in AppointmentParticipant.objects.filter(
                Q(user_id=couple.partner_one_id) | Q(user_id=couple.partner_two_id),
                is_blocking=True,
                start__lt=span_end + buffer,
                end__gt=span_start - buffer,
            ).values_list("start", "end")
        ]

    slots: list[Slot] = []
    for counselor_id in counselors:
        busy_starts, busy_ends = _merge([*busy[counselor_id], *partners_busy])
        for location_id, place in locations.items():
            tz = place.tz
            day = date_from
            while day <= date_to:
                off = any(first <= day <= last for first, last in days_off[counselor_id])
                windows = (
                    []
                    if off
                    else _intersect(
                        working.get((counselor_id, location_id, day.weekday()), []),
                        opening.get((location_id, day.weekday()), []),
                    )
                )
                for opens, closes in windows:
                    window_start = _wall_clock(day, opens, tz) or _window_end(day, opens, tz)
                    window_end = _window_end(day, closes, tz)
                    minute = -(-(opens.hour * 60 + opens.minute) // step_minutes) * step_minutes
                    while minute < 24 * 60:
                        candidate = _wall_clock(day, time(minute // 60, minute % 60), tz)
                        minute += step_minutes
                        if candidate is None or candidate < window_start:
                            continue
                        finish = candidate + duration
                        if finish > window_end:
                            break
                        if candidate >= now and _is_clear(busy_starts, busy_ends, candidate, finish):
                            local = (candidate.astimezone(tz), finish.astimezone(tz))
                            slots.append(Slot(*local, counselor_id, location_id))
                day += timedelta(days=1)
    slots.sort()
    return slots


def is_free_slot(
    *,
    counselor: User,
    location: Location,
    start: datetime,
    duration: timedelta,
    couple: Couple | None = None,
) -> bool:
    """Whether this exact start time is one free_slots would offer."""
    day = start.astimezone(location.tz).date()
    return any(
        slot.start == start
        for slot in free_slots(
            counselor=counselor, location=location, date_from=day, date_to=day, duration=duration, couple=couple
        )
    )
