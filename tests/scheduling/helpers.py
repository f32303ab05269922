"""Times and hours for the scheduling tests (the personas are fixtures in
tests/plugins/scheduling.py)."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from scheduling.models import (
    Location,
    OpeningHours,
    WorkingHours,
)

LA = zoneinfo.ZoneInfo("America/Los_Angeles")


NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def weekday_ahead(weekday: int, weeks: int = 2) -> date:
    """The first `weekday` at least `weeks` weeks from today."""
    day = timezone.localdate() + timedelta(weeks=weeks)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def at(day: date, clock: str, tz: zoneinfo.ZoneInfo = LA) -> datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


def open_hours(location: Location, weekdays: range, opens: str, closes: str) -> None:
    for weekday in weekdays:
        OpeningHours.objects.create(
            location=location, weekday=weekday, opens=time.fromisoformat(opens), closes=time.fromisoformat(closes)
        )


def work(counselor: User, location: Location, weekday: int, start: str, end: str) -> WorkingHours:
    return WorkingHours.objects.create(
        counselor=counselor,
        location=location,
        weekday=weekday,
        start=time.fromisoformat(start),
        end=time.fromisoformat(end),
    )


def next_dst_change(*, spring: bool) -> date:
    """The next day Los Angeles springs forward (or falls back), at least three weeks ahead
    (so sessions before it are still in the future): the tests never go stale."""
    day = timezone.localdate() + timedelta(weeks=3)
    while True:
        before, after = at(day, "00:00").utcoffset(), at(day, "12:00").utcoffset()
        assert before is not None and after is not None
        if after != before and (after > before) == spring:
            return day
        day += timedelta(days=1)
