"""Quiet hours and due-soon times, as pure functions (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from notifications import timing

NY = "America/New_York"
QUIET = {"start": time(21, 0), "end": time(8, 0)}


def local(dt: datetime, tz: str = NY) -> datetime:
    return dt.astimezone(ZoneInfo(tz))


def test_quiet_hours_window_wraps_midnight():
    assert timing.in_quiet_hours(time(23, 0), **QUIET)
    assert timing.in_quiet_hours(time(2, 0), **QUIET)
    assert timing.in_quiet_hours(time(21, 0), **QUIET)
    assert not timing.in_quiet_hours(time(8, 0), **QUIET)
    assert not timing.in_quiet_hours(time(12, 0), **QUIET)
    assert not timing.in_quiet_hours(time(3, 0), start=time(9), end=time(9))  # none at all
    assert timing.in_quiet_hours(time(13, 0), start=time(12), end=time(14))  # a daytime window


def test_23h_in_new_york_goes_at_8_next_morning():
    at_23 = datetime(2026, 6, 10, 23, 0, tzinfo=ZoneInfo(NY)).astimezone(UTC)
    moved = timing.after_quiet_hours(at_23, time_zone=NY, **QUIET)
    assert local(moved) == datetime(2026, 6, 11, 8, 0, tzinfo=ZoneInfo(NY))
    assert moved == datetime(2026, 6, 11, 12, 0, tzinfo=UTC)  # EDT, UTC-4


def test_early_morning_goes_at_8_the_same_morning():
    at_3 = datetime(2026, 6, 11, 3, 0, tzinfo=ZoneInfo(NY))
    assert local(timing.after_quiet_hours(at_3, time_zone=NY, **QUIET)).replace(tzinfo=None) == datetime(
        2026, 6, 11, 8, 0
    )


def test_quiet_night_across_spring_forward_ends_at_8_local():
    # US clocks go forward on 2026-03-08 at 02:00: the night is an hour shorter.
    at_23 = datetime(2026, 3, 7, 23, 0, tzinfo=ZoneInfo(NY)).astimezone(UTC)
    moved = timing.after_quiet_hours(at_23, time_zone=NY, **QUIET)
    assert local(moved).replace(tzinfo=None) == datetime(2026, 3, 8, 8, 0)
    assert moved == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)  # already EDT
    assert moved - at_23 == timedelta(hours=8)  # 9 wall-clock hours, 8 real ones


def test_quiet_night_across_fall_back_ends_at_8_local():
    # Back on 2026-11-01 at 02:00: the night is an hour longer.
    at_23 = datetime(2026, 10, 31, 23, 0, tzinfo=ZoneInfo(NY)).astimezone(UTC)
    moved = timing.after_quiet_hours(at_23, time_zone=NY, **QUIET)
    assert local(moved).replace(tzinfo=None) == datetime(2026, 11, 1, 8, 0)
    assert moved == datetime(2026, 11, 1, 13, 0, tzinfo=UTC)  # EST, UTC-5
    assert moved - at_23 == timedelta(hours=10)


def test_outside_quiet_hours_nothing_moves():
    noon = datetime(2026, 6, 10, 16, 0, tzinfo=UTC)  # 12:00 in New York
    assert timing.after_quiet_hours(noon, time_zone=NY, **QUIET) == noon


def test_a_reminder_whose_quiet_hours_outlast_its_deadline_goes_before_they_start():
    tz = ZoneInfo(NY)
    due = datetime(2026, 6, 11, 7, 0, tzinfo=tz)  # due at 07:00, inside quiet hours
    planned = due - timedelta(hours=2)  # 05:00: quiet until 08:00, after the due time
    now = datetime(2026, 6, 10, 12, 0, tzinfo=tz)
    at = timing.fit_to_waking_hours(planned, now=now, deadline=due, time_zone=NY, **QUIET)
    assert at is not None and local(at).replace(tzinfo=None) == datetime(2026, 6, 10, 20, 59)
    # Too late even for that: not sent rather than sent at night.
    late_now = datetime(2026, 6, 10, 22, 0, tzinfo=tz)
    assert timing.fit_to_waking_hours(planned, now=late_now, deadline=due, time_zone=NY, **QUIET) is None


def test_a_moment_in_the_past_becomes_now():
    now = datetime(2026, 6, 10, 16, 0, tzinfo=UTC)
    assert timing.fit_to_waking_hours(now - timedelta(days=1), now=now, deadline=None, time_zone=NY, **QUIET) == now


def test_daily_practice_is_reminded_on_the_morning_of_the_day():
    tz = ZoneInfo(NY)
    due = datetime(2026, 6, 11, 20, 0, tzinfo=tz)
    at = timing.due_soon_planned(due_at=due, lead=timedelta(hours=24), daily=True, morning=time(8), time_zone=NY)
    assert local(at).replace(tzinfo=None) == datetime(2026, 6, 11, 8, 0)
    # Due before the morning: the lead time instead.
    early = datetime(2026, 6, 11, 7, 0, tzinfo=tz)
    at = timing.due_soon_planned(due_at=early, lead=timedelta(hours=24), daily=True, morning=time(8), time_zone=NY)
    assert at == early - timedelta(hours=24)


def test_week_key():
    assert timing.iso_week_key(datetime(2026, 1, 1).date()) == "week:2026-W01"
