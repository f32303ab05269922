"""Two sweeps at once (two beat processes, a common deployment mistake)
claim disjoint sets: SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from notifications import services
from notifications.models import Reminder, ReminderState
from tests.notifications import bulk


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_never_claim_the_same_reminder(counselor, template, settings, monkeypatch):
    assert connection.vendor == "postgresql"
    settings.NOTIFICATIONS = {"SWEEP_BATCH": 25, "SWEEP_MAX_BATCHES": 1000}
    ids = bulk.due_reminders(couples=100, per_partner=5, counselor=counselor, template=template, now=timezone.now())
    handed: dict[str, list[int]] = {"a": [], "b": []}
    current = threading.local()

    def record(*, reminder_ids):
        handed[current.name].extend(reminder_ids)

    monkeypatch.setattr(services, "reminders_dispatch", record)
    start = threading.Barrier(2)
    results = {}
    errors = []

    def run(name: str) -> None:
        current.name = name
        try:
            start.wait()
            results[name] = services.reminders_sweep()
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    a, b = set(results["a"].claimed), set(results["b"].claimed)
    assert a and b, "both sweeps should have found work (they ran side by side)"
    assert not a & b
    assert a | b == set(ids)
    assert sorted(handed["a"]) == sorted(a) and sorted(handed["b"]) == sorted(b)
    assert Reminder.objects.filter(state=ReminderState.SENDING).count() == len(ids)
