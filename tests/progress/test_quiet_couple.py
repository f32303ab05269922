"""A couple with no activity at all is flagged "No activity yet" once they
have been with the practice for two weeks, counted in the practice's days."""

from __future__ import annotations

from datetime import UTC, date, datetime

from progress import selectors
from tests.factories import CoupleFactory

# 19:00 on 7 December in Seattle, already 8 December in UTC.
SEATTLE_EVENING = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)


def test_a_couple_quiet_for_thirteen_practice_days_is_not_yet_flagged_on_a_seattle_evening(counselor):
    couple = CoupleFactory(primary_counselor=counselor, started_on=date(2026, 11, 24))

    row = selectors.dashboard_row(counselor, couple, now=SEATTLE_EVENING)

    assert row is not None
    assert "No activity yet" not in row.reasons


def test_a_couple_quiet_for_fourteen_practice_days_is_flagged(counselor):
    couple = CoupleFactory(primary_counselor=counselor, started_on=date(2026, 11, 23))

    row = selectors.dashboard_row(counselor, couple, now=SEATTLE_EVENING)

    assert row is not None
    assert row.reasons == ["No activity yet"]
