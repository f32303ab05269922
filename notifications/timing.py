"""When a reminder goes: pure functions on aware datetimes, no database.

Quiet hours are wall-clock times in the recipient's own time zone. We work on
local dates and combine them with the wall-clock time in that zone (as
exercises.recurrence does), so "quiet until 08:00" stays 08:00 local across
daylight-saving changes; adding hours in UTC would drift by one twice a year.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def _at(day: date, wall: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, wall, tzinfo=tz).astimezone(UTC)


def in_quiet_hours(local: time, *, start: time, end: time) -> bool:
    """Is a local wall-clock time inside [start, end)? The window may wrap
    past midnight (21:00-08:00); start == end means no quiet hours."""
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def after_quiet_hours(when: datetime, *, time_zone: str, start: time, end: time) -> datetime:
    """``when``, or the end of the quiet hours it falls in (UTC)."""
    tz = ZoneInfo(time_zone)
    local = when.astimezone(tz)
    if not in_quiet_hours(local.time(), start=start, end=end):
        return when
    # Before ``end`` on the clock: the quiet night ends this morning; else (the
    # evening part of a wrapping window) it ends tomorrow morning.
    end_day = local.date() if local.time() < end else local.date() + timedelta(days=1)
    return _at(end_day, end, tz)


def before_quiet_hours(when: datetime, *, time_zone: str, start: time, end: time) -> datetime:
    """The last minute before the quiet hours that ``when`` falls in began."""
    tz = ZoneInfo(time_zone)
    local = when.astimezone(tz)
    start_day = local.date() if local.time() >= start else local.date() - timedelta(days=1)
    return _at(start_day, start, tz) - timedelta(minutes=1)


def fit_to_waking_hours(
    when: datetime, *, now: datetime, deadline: datetime | None, time_zone: str, start: time, end: time
) -> datetime | None:
    """When to send something planned for ``when``: not in the past, not in
    the recipient's quiet hours, and before ``deadline`` if there is one.

    Quiet hours win over the plan: a reminder whose end of quiet hours is past
    its deadline goes just before the quiet hours began instead, and if that
    moment has passed too it is not sent at all (None): better no "due soon"
    than one at 3 a.m.
    """
    when = max(when, now)
    moved = after_quiet_hours(when, time_zone=time_zone, start=start, end=end)
    if deadline is None or moved < deadline:
        return moved
    earlier = before_quiet_hours(when, time_zone=time_zone, start=start, end=end)
    return earlier if now <= earlier < deadline else None


def due_soon_planned(*, due_at: datetime, lead: timedelta, daily: bool, morning: time, time_zone: str) -> datetime:
    """The moment a due-soon reminder is meant for, before quiet hours: the
    lead time before the due time, or for a daily practice the morning of the
    day it is due (if that morning is still before the due time)."""
    if daily:
        tz = ZoneInfo(time_zone)
        morning_at = _at(due_at.astimezone(tz).date(), morning, tz)
        if morning_at < due_at:
            return morning_at
    return due_at - lead


def iso_week_key(day: date) -> str:
    """``week:2026-W03``: the object key of a weekly digest."""
    year, week, _ = day.isocalendar()
    return f"week:{year}-W{week:02d}"
