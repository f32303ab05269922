"""The sweep: claims due rows, hands them over only after commit, cancels
stale due-soon reminders, and hands out again what a dead worker held."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications import services
from notifications.models import InAppNotification, Reminder, ReminderKind, ReminderState

pytestmark = pytest.mark.django_db


def state(reminder: Reminder) -> str:
    reminder.refresh_from_db()
    return reminder.state


def test_nothing_is_sent_from_inside_the_sweeps_transaction(
    live_occurrence, partner, make_reminder, django_capture_on_commit_callbacks
):
    reminder = make_reminder(live_occurrence, partner)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = services.reminders_sweep()
        assert result.claimed == [reminder.pk]
        assert state(reminder) == ReminderState.SENDING
        assert mail.outbox == []
    assert len(callbacks) == 1  # the hand-over waits for the commit
    callbacks[0]()
    assert len(mail.outbox) == 1
    assert state(reminder) == ReminderState.SENT
    assert InAppNotification.objects.filter(reminder=reminder).count() == 1


def test_a_rolled_back_sweep_hands_over_nothing(live_occurrence, partner, make_reminder, monkeypatch):
    handed: list = []
    monkeypatch.setattr(services, "reminders_dispatch", lambda reminder_ids: handed.append(reminder_ids))
    make_reminder(live_occurrence, partner)
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.reminders_sweep()
        raise RuntimeError
    assert handed == []
    assert Reminder.objects.get().state == ReminderState.PENDING


def test_only_due_reminders_are_claimed(sweep, live_occurrence, partner, other_partner, make_reminder):
    due = make_reminder(live_occurrence, partner)
    later = make_reminder(live_occurrence, other_partner, due_at=timezone.now() + timedelta(minutes=5))
    sweep()
    assert state(due) == ReminderState.SENT
    assert state(later) == ReminderState.PENDING


def test_after_an_outage_a_stale_due_soon_is_cancelled_and_an_overdue_still_goes(
    sweep, live_occurrence, partner, make_reminder
):
    now = timezone.now()
    soon = make_reminder(
        live_occurrence,
        partner,
        kind=ReminderKind.EXERCISE_DUE_SOON,
        due_at=now - timedelta(days=2),
        expires_at=now - timedelta(hours=1),  # its exercise was due an hour ago
    )
    overdue = make_reminder(live_occurrence, partner, due_at=now - timedelta(days=1))
    result = sweep(now=now)
    assert result.cancelled == [soon.pk]
    assert state(soon) == ReminderState.CANCELLED
    assert state(overdue) == ReminderState.SENT
    assert len(mail.outbox) == 1


def test_a_lapsed_lease_is_handed_out_again_and_a_live_one_is_not(
    sweep, live_occurrence, partner, other_partner, make_reminder
):
    now = timezone.now()
    dead = make_reminder(
        live_occurrence,
        partner,
        state=ReminderState.SENDING,
        lease_owner="task-of-a-killed-worker",
        lease_expires_at=now - timedelta(seconds=1),
        attempts=1,
    )
    alive = make_reminder(
        live_occurrence,
        other_partner,
        state=ReminderState.SENDING,
        lease_owner="task-still-sending",
        lease_expires_at=now + timedelta(minutes=5),
        attempts=1,
    )
    result = sweep(now=now)
    assert result.reissued == [dead.pk]
    assert state(dead) == ReminderState.SENT
    assert state(alive) == ReminderState.SENDING
    assert [m.to for m in mail.outbox] == [[partner.email]]


def test_the_sweep_works_in_batches(
    sweep, live_occurrence, partner, other_partner, make_reminder, settings, monkeypatch
):
    settings.NOTIFICATIONS = {"SWEEP_BATCH": 1, "DELIVERY_BATCH": 1}
    handed: list = []
    monkeypatch.setattr(services, "reminders_dispatch", lambda reminder_ids: handed.append(list(reminder_ids)))
    make_reminder(live_occurrence, partner)
    make_reminder(live_occurrence, other_partner)
    result = sweep()
    assert len(result.claimed) == 2
    assert len(handed) == 2  # one transaction, and one hand-over, per batch


def test_a_broker_that_is_down_loses_nothing(sweep, live_occurrence, partner, make_reminder, monkeypatch):
    from notifications import tasks

    def down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    reminder = make_reminder(live_occurrence, partner)
    monkeypatch.setattr(tasks.deliver_reminders, "apply_async", down)
    sweep()  # does not raise
    assert state(reminder) == ReminderState.SENDING
    monkeypatch.undo()
    # The next sweep after the dispatch lease has lapsed hands it out again.
    result = sweep(now=timezone.now() + timedelta(minutes=11))
    assert result.reissued == [reminder.pk]
    assert state(reminder) == ReminderState.SENT


def test_beat_runs_the_sweep_every_15_seconds(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-sweep"]
    assert entry == {"task": "notifications.sweep", "schedule": 15}
    from config.celery import app

    assert "notifications.sweep" in app.tasks and "notifications.deliver_reminders" in app.tasks


def test_the_sweep_task_plans_new_occurrences_then_sends_what_is_due(
    live_occurrence, couple, django_capture_on_commit_callbacks
):
    from notifications import tasks

    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep.apply()
    # Planned: due-soon and overdue for both partners; nothing due yet.
    assert Reminder.objects.filter(occurrence=live_occurrence).count() == 4
    assert mail.outbox == []
