"""The staff calendar's time grid, worked out in Python: no queries here.

A column is one counselor's day (the day view) or one day of a counselor or
an office (the week view). Its body is a CSS grid of quarter-hour rows in the
viewer's time zone; every item in it (an appointment, a free half hour to
book, a shaded stretch when the office is closed, the counselor is not
working or is off) carries the rows it covers as class names
(`row-start-N row-span-M`, static/css/calendar.css), because the CSP forbids
style attributes. Items come in time order, so the tab order and the phone's
list read the day from top to bottom.

Working and opening hours are wall-clock times in the location's time zone;
they are turned into instants first (UTC), and only then placed on the
viewer's wall clock, so a viewer in another zone sees them where they fall
for them.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

from django.utils.text import get_text_list
from django.utils.translation import gettext, gettext_lazy, pgettext, pgettext_lazy

from scheduling.models import Appointment, AppointmentStatus

ROW_MINUTES = 15
CELL_MINUTES = 30  # a free stretch is offered half an hour at a time
DEFAULT_HOURS = (7 * 60, 20 * 60)
MAX_LANES = 4

Interval = tuple[datetime, datetime]  # aware, half-open


@dataclass(frozen=True)
class Opening:
    """When a counselor can be booked at a location (their hours within the office's), as instants."""

    start: datetime
    end: datetime
    location_id: int
    location_name: str


@dataclass(frozen=True)
class ColumnSpec:
    """What one column shows, before it is laid out."""

    key: str
    title: str
    day: date
    counselor_id: int | None  # None: an office's day, several counselors, nothing to book
    counselor_name: str
    appointments: Sequence[Appointment]
    openings: Sequence[Opening]  # bookable stretches (empty for an office's day)
    office_open: Sequence[Interval]  # when the office(s) concerned are open
    time_off: bool = False

    @property
    def place_names(self) -> str:
        """Where the counselor can be booked that day ("Edmonds and Online"), for the column's heading."""
        names = sorted({opening.location_name for opening in self.openings})
        return str(get_text_list(names, gettext("and")))


@dataclass
class Item:
    kind: str  # "appointment", "free", "off"
    row_start: int
    row_span: int
    label: str = ""
    start: datetime | None = None  # a free cell's start (UTC)
    location_id: int | None = None
    location_name: str = ""
    appointment: Appointment | None = None
    status_key: str = ""
    status_label: str = ""
    lane: int = 1
    lane_span: int = 1
    off_reason: str = ""  # "closed", "not-working", "time-off"

    @property
    def start_utc(self) -> str:
        """A free cell's start as the booking page takes it: ISO 8601 in UTC, e.g. 2026-12-07T17:00:00Z."""
        return self.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if self.start else ""

    @property
    def classes(self) -> str:
        return f"row-start-{self.row_start} row-span-{self.row_span} lane-{self.lane} lane-span-{self.lane_span}"


@dataclass
class Column:
    spec: ColumnSpec
    items: list[Item] = field(default_factory=list)
    lanes: int = 1
    cancelled_lanes: int = 0

    @property
    def lanes_class(self) -> str:
        """lanes-<booked>-<cancelled>: cancelled ones get narrower lanes at the side."""
        return f"lanes-{self.lanes - self.cancelled_lanes}-{self.cancelled_lanes}"


@dataclass
class Grid:
    first_minute: int
    last_minute: int
    columns: list[Column]

    @property
    def rows(self) -> int:
        return (self.last_minute - self.first_minute) // ROW_MINUTES

    @property
    def hour_labels(self) -> list[tuple[int, time]]:
        """(row, hour) for each whole hour the grid shows."""
        return [
            ((minute - self.first_minute) // ROW_MINUTES + 1, time(minute // 60))
            for minute in range(self.first_minute, self.last_minute, 60)
        ]


def status_of(appointment: Appointment) -> tuple[str, str]:
    """(css key, words) for an appointment's state, the client's own confirmation included."""
    if appointment.status == AppointmentStatus.CANCELLED:
        if appointment.late_cancellation:
            return "late-cancelled", gettext("Late-cancelled")
        return "cancelled", pgettext("appointment status", "Cancelled")
    if appointment.status == AppointmentStatus.CONFIRMED and appointment.client_confirmed_at:
        return "client-confirmed", gettext("Confirmed by the client")
    if appointment.status == AppointmentStatus.REQUESTED:
        return "requested", gettext("Requested, to confirm")
    return str(appointment.status).replace("_", "-"), str(appointment.get_status_display())


def wall_clock_intervals(
    day: date, hours: Iterable[tuple[time, time]], tz: zoneinfo.ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """A day's wall-clock intervals in a location's zone, as UTC instants."""
    return [
        (datetime.combine(day, start, tzinfo=tz).astimezone(UTC), datetime.combine(day, end, tzinfo=tz).astimezone(UTC))
        for start, end in hours
    ]


def intersect(first: Iterable[Interval], second: Iterable[Interval]) -> list[Interval]:
    found = []
    for a_start, a_end in first:
        for b_start, b_end in second:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                found.append((start, end))
    return sorted(found)


def _minute_of(moment: datetime, day: date, tz: Any) -> int:
    """Minutes since the viewer's midnight of `day`, clamped to the day."""
    local = moment.astimezone(tz)
    if local.date() < day:
        return 0
    if local.date() > day:
        return 24 * 60
    return local.hour * 60 + local.minute


def _instant(day: date, minute: int, tz: Any) -> datetime:
    if minute >= 24 * 60:
        return datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz).astimezone(UTC)


def grid_span(specs: Sequence[ColumnSpec], tz: Any) -> tuple[int, int]:
    """Whole hours from the earliest opening or working hour to the latest of the
    columns, widened to every appointment shown; 7:00-20:00 when there are none."""
    starts, ends = [], []
    for spec in specs:
        for start, end in [*spec.office_open, *((o.start, o.end) for o in spec.openings)]:
            start_minute, end_minute = _minute_of(start, spec.day, tz), _minute_of(end, spec.day, tz)
            if start_minute < end_minute:  # not another day's hours
                starts.append(start_minute)
                ends.append(end_minute)
    first, last = (min(starts), max(ends)) if starts else DEFAULT_HOURS
    for spec in specs:
        for appointment in spec.appointments:
            first = min(first, _minute_of(appointment.start, spec.day, tz))
            last = max(last, _minute_of(appointment.end, spec.day, tz))
    first = first // 60 * 60
    last = min(24 * 60, -(-last // 60) * 60)
    if last <= first:
        first, last = DEFAULT_HOURS
    return first, last


def _rows(start_minute: int, end_minute: int, first: int, last: int) -> tuple[int, int] | None:
    start_minute, end_minute = max(start_minute, first), min(end_minute, last)
    if end_minute <= start_minute:
        return None
    row = (start_minute - first) // ROW_MINUTES
    end_row = -(-(end_minute - first) // ROW_MINUTES)
    return row + 1, max(1, end_row - row)


def free_cells(start: int, end: int) -> list[tuple[int, int]]:
    """A free stretch (minutes of the day) as half hours on the clock's half hours;
    a quarter left over at either end joins its neighbour, and a stretch shorter than
    half an hour offers nothing: too short to book, and too small a target to tap."""
    if end - start < CELL_MINUTES:
        return []
    bounds = [start, *range(-(-start // CELL_MINUTES) * CELL_MINUTES, end, CELL_MINUTES), end]
    bounds = sorted(set(bounds))
    if len(bounds) > 2 and bounds[1] - bounds[0] < CELL_MINUTES:
        bounds.pop(1)
    if len(bounds) > 2 and bounds[-1] - bounds[-2] < CELL_MINUTES:
        bounds.pop(-2)
    return list(pairwise(bounds))


def _cell_rows(start: int, end: int, first: int) -> tuple[int, int]:
    return (start - first) // ROW_MINUTES + 1, (end - start) // ROW_MINUTES


def _lanes(blocks: list[Item], offset: int) -> int:
    """Side by side where appointments overlap (several counselors in one column): greedy lanes."""
    lane_ends: list[int] = []
    for block in blocks:
        for index, end in enumerate(lane_ends):
            if end <= block.row_start:
                lane_ends[index] = block.row_start + block.row_span
                block.lane = offset + index + 1
                break
        else:
            lane_ends.append(block.row_start + block.row_span)
            block.lane = offset + min(len(lane_ends), MAX_LANES)
    return min(len(lane_ends), MAX_LANES)


def _quarter_state(
    spec: ColumnSpec, instant: datetime, busy: list[Interval], now: datetime
) -> tuple[str, Opening | None]:
    quarter_end = instant + timedelta(minutes=ROW_MINUTES)
    if spec.time_off:
        return "time-off", None
    opening = next((o for o in spec.openings if o.start <= instant and quarter_end <= o.end), None)
    is_open = any(start <= instant and quarter_end <= end for start, end in spec.office_open)
    if opening is None:
        if spec.counselor_id is None and is_open:
            return "open", None
        return ("not-working" if is_open else "closed"), None
    if any(start < quarter_end and instant < end for start, end in busy):
        return "busy", None
    if instant < now:
        return "past", None
    return "free", opening


OFF_LABELS = {
    "closed": pgettext_lazy("office hours", "Closed"),
    "not-working": gettext_lazy("Not working"),
    "time-off": gettext_lazy("Time off"),
}


def layout_column(spec: ColumnSpec, first: int, last: int, tz: Any, now: datetime) -> Column:
    column = Column(spec)
    busy = [(a.start, a.end) for a in spec.appointments if a.is_blocking]
    background: list[Item] = []
    run: tuple[str, int, Opening | None] | None = None

    def close_run(end_minute: int) -> None:
        if run is None:
            return
        state, start_minute, opening = run
        rows = _rows(start_minute, end_minute, first, last)
        if rows is None:
            return
        if state in OFF_LABELS:
            background.append(Item("off", *rows, label=str(OFF_LABELS[state]), off_reason=state))
        elif state == "free" and opening is not None:
            for cell_start, cell_end in free_cells(max(start_minute, first), min(end_minute, last)):
                background.append(
                    Item(
                        "free",
                        *_cell_rows(cell_start, cell_end, first),
                        start=_instant(spec.day, cell_start, tz),
                        location_id=opening.location_id,
                        location_name=opening.location_name,
                    )
                )

    for minute in range(first, last, ROW_MINUTES):
        state, opening = _quarter_state(spec, _instant(spec.day, minute, tz), busy, now)
        if run is not None and run[0] == state and run[2] == opening:
            continue
        close_run(minute)
        run = (state, minute, opening)
    close_run(last)

    blocks = []
    for appointment in spec.appointments:
        starts, ends = _minute_of(appointment.start, spec.day, tz), _minute_of(appointment.end, spec.day, tz)
        rows = _rows(starts, ends, first, last)
        if rows is None:
            continue
        key, words = status_of(appointment)
        blocks.append(Item("appointment", *rows, appointment=appointment, status_key=key, status_label=words))
    active = [b for b in blocks if b.appointment is not None and b.appointment.status != AppointmentStatus.CANCELLED]
    cancelled = [b for b in blocks if b not in active]
    active_lanes = max(1, _lanes(active, 0))
    cancelled_lanes = _lanes(cancelled, active_lanes)
    column.lanes, column.cancelled_lanes = active_lanes + cancelled_lanes, cancelled_lanes
    for item in background:
        item.lane, item.lane_span = 1, (active_lanes if item.kind == "free" else column.lanes)
    # Time order, the shading before what sits on it: the tab order and the phone's list.
    order = {"off": 0, "free": 1, "appointment": 2}
    column.items = sorted([*background, *blocks], key=lambda item: (item.row_start, order[item.kind]))
    return column


def layout(specs: Sequence[ColumnSpec], tz: Any, now: datetime) -> Grid:
    first, last = grid_span(specs, tz)
    return Grid(first, last, [layout_column(spec, first, last, tz, now) for spec in specs])
