"""The real clock, moved with time-machine: a due-soon reminder that falls
at 23:00 for a partner in New York is swept at 08:00 their time, not a
minute before, across the nights the clocks change."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from notifications import services
from notifications.models import Reminder, ReminderKind, ReminderState

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("due_on", "planned_at", "eight_am_utc"),
    [
        # Spring forward (8 March 2026): 08:00 EDT is 12:00 UTC.
        (date(2026, 3, 8), datetime(2026, 3, 1, 12, 0, tzinfo=UTC), datetime(2026, 3, 8, 12, 0, tzinfo=UTC)),
        # Fall back (1 November 2026): 08:00 EST is 13:00 UTC.
        (date(2026, 11, 1), datetime(2026, 10, 25, 12, 0, tzinfo=UTC), datetime(2026, 11, 1, 13, 0, tzinfo=UTC)),
    ],
)
def test_a_due_soon_at_23h_in_new_york_is_sent_at_8_their_time(
    assign, couple, due_on, planned_at, eight_am_utc, django_capture_on_commit_callbacks
):
    new_yorker = couple.partner_two
    new_yorker.time_zone = "America/New_York"
    new_yorker.save()
    with time_machine.travel(planned_at, tick=False):
        # Due at 20:00 Seattle = 23:00 New York; 24 h before is 23:00 there too.
        assign(starts_on=planned_at.date(), due_on=due_on, due_time=time(20, 0), now=planned_at)
        services.reminders_plan_upcoming()
    soon = Reminder.objects.get(recipient=new_yorker, kind=ReminderKind.EXERCISE_DUE_SOON)
    for moment in (eight_am_utc - timedelta(hours=9), eight_am_utc - timedelta(minutes=1)):  # 23:00, 07:59
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            services.reminders_sweep()
        soon.refresh_from_db()
        assert soon.state == ReminderState.PENDING
    assert new_yorker.email not in [m.to[0] for m in mail.outbox]
    with time_machine.travel(eight_am_utc, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.reminders_sweep()
    soon.refresh_from_db()
    assert soon.state == ReminderState.SENT
    assert soon.sent_at.astimezone(NY).time() == time(8, 0)
    assert [m for m in mail.outbox if m.to == [new_yorker.email]]
