"""End to end, with a real Celery worker process (Redis broker), the test
database, and a local SMTP server (aiosmtpd): every due reminder reaches the
SMTP server exactly once, including when the worker is killed mid-batch or
the mail server is down for a while.

The test process plays beat: it runs the sweep in a loop. The worker is
started in its own process group and always killed in teardown."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from notifications import services
from notifications.models import InAppNotification, Reminder, ReminderState
from tests.notifications import bulk
from tests.notifications.worker_settings import NOTIFICATIONS as WORKER_TUNING
from tests.processes import BROKER_URL, expected_ids, kill, sweep_until_done, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture(autouse=True)
def _redis_broker():
    # The suite runs on Redis (scripts/test.sh); anything else is a setup error, not a reason to skip.
    assert BROKER_URL.startswith("redis://"), "these tests need Redis as the broker: set CELERY_BROKER_URL"


@pytest.fixture
def thousand(counselor, template) -> list[int]:
    """1,000 due reminders for 200 partners (100 couples, 5 exercises each)."""
    return bulk.due_reminders(couples=100, per_partner=5, counselor=counselor, template=template, now=timezone.now())


def test_1000_due_reminders_for_200_partners_each_reach_the_smtp_server_exactly_once(
    smtp, start_worker, thousand, record_property
):
    sink, _ = smtp
    assert Reminder.objects.values("recipient").distinct().count() == 200
    start_worker()
    began = time.monotonic()
    sweep_until_done(thousand, timeout=60)
    elapsed = time.monotonic() - began
    record_property("delivery_seconds", round(elapsed, 2))
    print(f"\n1,000 reminders swept and delivered through the worker in {elapsed:.1f} s")
    assert Counter(sink.message_ids) == expected_ids(thousand)  # each exactly once
    assert Reminder.objects.filter(pk__in=thousand, state=ReminderState.SENT, emailed=True).count() == 1000
    assert InAppNotification.objects.filter(reminder__in=thousand).count() == 1000


def test_a_worker_killed_mid_batch_loses_nothing(smtp, start_worker, thousand):
    sink, _ = smtp
    first = start_worker()
    services.reminders_sweep()  # hands out all 1,000 at once
    wait_until(lambda: sink.count() >= 150, timeout=30, what="the first messages")
    kill(first)  # kill -9, mid-batch
    at_kill = sink.count()
    assert at_kill < 1000, "the worker finished before it could be killed; make the test bigger"
    start_worker()
    sweep_until_done(thousand, timeout=60)
    counts = Counter(sink.message_ids)
    assert set(counts) == set(expected_ids(thousand))  # 0 missing
    twice = [mid for mid, n in counts.items() if n > 1]
    # Only a message in flight at the kill arrives twice (one per pool process),
    # and under the same Message-ID, so mail clients fold them.
    assert len(twice) <= 2 and all(counts[mid] == 2 for mid in twice)
    assert InAppNotification.objects.filter(reminder__in=thousand).count() == 1000  # always exactly once
    print(f"\nkilled after {at_kill} messages; {len(twice)} delivered twice (same Message-ID)")


def test_a_mail_server_that_is_down_then_up_loses_nothing(smtp, start_worker, counselor, template):
    sink, server = smtp
    ids = bulk.due_reminders(couples=10, per_partner=5, counselor=counselor, template=template, now=timezone.now())
    server.stop()  # connection refused
    start_worker()
    services.reminders_sweep()
    wait_until(
        lambda: Reminder.objects.filter(pk__in=ids, attempts__gte=2).exists(), timeout=20, what="a failed attempt"
    )
    assert sink.count() == 0
    server.start()
    sweep_until_done(ids, timeout=45)
    assert Counter(sink.message_ids) == expected_ids(ids)
    assert not Reminder.objects.filter(pk__in=ids, state=ReminderState.FAILED).exists()


def test_a_mail_server_answering_451_for_a_while_is_retried(smtp, start_worker, counselor, template):
    sink, _ = smtp
    ids = bulk.due_reminders(couples=5, per_partner=2, counselor=counselor, template=template, now=timezone.now())
    sink.reply = "451 4.3.0 Try again later"
    start_worker()
    services.reminders_sweep()
    wait_until(
        lambda: Reminder.objects.filter(pk__in=ids, last_error__contains="451").exists(), timeout=20, what="a 451"
    )
    sink.reply = None
    sweep_until_done(ids, timeout=45)
    assert Counter(sink.message_ids) == expected_ids(ids)


def test_a_mail_server_answering_550_fails_them_lists_them_and_they_can_be_resent(
    smtp, start_worker, counselor, template, practice_admin
):
    sink, _ = smtp
    ids = bulk.due_reminders(couples=5, per_partner=1, counselor=counselor, template=template, now=timezone.now())
    sink.reply = "550 5.1.1 Mailbox unavailable"
    start_worker()
    sweep_until_done(ids, timeout=30)
    failed = services.selectors.failed_reminders().filter(pk__in=ids)
    assert failed.count() == len(ids) and all("550" in r.last_error for r in failed)
    assert sink.count() == 0
    sink.reply = None
    for reminder in list(failed):
        assert services.reminder_resend(reminder=reminder, actor=practice_admin)
    sweep_until_done(ids, timeout=30)
    assert Counter(sink.message_ids) == expected_ids(ids)
    assert InAppNotification.objects.filter(reminder__in=ids).count() == len(ids)  # still once each


def test_a_worker_keeps_its_database_connections_across_tasks(smtp, start_worker, counselor, template):
    """Each batch is a task; a new PostgreSQL session per task would cost
    more than the batch's e-mails. Two pool processes: at most two sessions."""
    sink, _ = smtp
    ids = bulk.due_reminders(couples=50, per_partner=4, counselor=counselor, template=template, now=timezone.now())
    start_worker(application_name="reused-worker")
    sessions: set[int] = set()

    def done() -> bool:
        services.reminders_sweep()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = 'reused-worker'")
            sessions.update(pid for (pid,) in cursor.fetchall())
        return sink.count() >= len(ids)

    wait_until(done, timeout=60, what="every reminder to be sent", step=0.1)
    assert len(ids) // WORKER_TUNING["DELIVERY_BATCH"] >= 8  # enough tasks to tell
    assert 1 <= len(sessions) <= 2, sessions
