"""The reminder queue on /metrics: how many reminders are due and not yet
handed out, how many are being sent, and how long the oldest due one has
waited, from two indexed queries per scrape."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from notifications.metrics import ReminderQueueCollector
from notifications.models import Reminder, ReminderKind, ReminderState
from tests.notifications.helpers import NOW

pytestmark = pytest.mark.django_db


def digest(counselor, week: int, *, due_in: timedelta, state: str = ReminderState.PENDING) -> Reminder:
    fields: dict = {}
    if state == ReminderState.SENDING:
        fields["lease_expires_at"] = NOW + timedelta(minutes=1)
    if state == ReminderState.SENT:
        fields["sent_at"] = NOW
    return Reminder.objects.create(
        kind=ReminderKind.WEEKLY_DIGEST,
        recipient=counselor,
        object_key=f"week:2026-W{week:02d}",
        due_at=NOW + due_in,
        state=state,
        **fields,
    )


def gauges() -> dict[str, float]:
    response = Client(REMOTE_ADDR="127.0.0.1").get("/metrics")
    assert response.status_code == 200
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
        if sample.name.startswith("portal_reminder")
    }


def test_an_empty_queue_reads_zero_everywhere():
    assert gauges() == {
        "portal_reminders_due": 0,
        "portal_reminders_sending": 0,
        "portal_reminder_oldest_due_age_seconds": 0,
    }


def test_the_gauges_count_due_and_leased_reminders_and_the_oldest_wait(counselor):
    digest(counselor, 1, due_in=-timedelta(minutes=10))
    digest(counselor, 2, due_in=-timedelta(minutes=3))
    digest(counselor, 3, due_in=timedelta(0))
    digest(counselor, 4, due_in=timedelta(hours=1))  # not due yet
    digest(counselor, 5, due_in=-timedelta(hours=2), state=ReminderState.SENDING)
    digest(counselor, 6, due_in=-timedelta(hours=2), state=ReminderState.SENDING)
    digest(counselor, 7, due_in=-timedelta(days=1), state=ReminderState.SENT)
    digest(counselor, 8, due_in=-timedelta(days=2), state=ReminderState.CANCELLED)
    with time_machine.travel(NOW, tick=False):
        assert gauges() == {
            "portal_reminders_due": 3,
            "portal_reminders_sending": 2,
            "portal_reminder_oldest_due_age_seconds": 600,
        }


def test_a_scrape_costs_two_queries_however_long_the_queue(counselor, django_assert_num_queries):
    for week in range(1, 30):
        digest(counselor, week, due_in=-timedelta(minutes=week))
    with django_assert_num_queries(2):
        list(ReminderQueueCollector().collect())
