"""Faults under a real Celery worker: the broker (Redis) down for a while,
its primary killed and a replica promoted by Sentinel, the worker's
PostgreSQL sessions killed mid-batch, two beat processes at once.

Redis: these tests start their OWN redis-server (or primary, replica and
Sentinel) on free ports and stop those, never the shared server. PostgreSQL: killing the worker's sessions
(pg_terminate_backend on those named ``reminder-worker``) is what a worker
sees of a crash of its connections; a real restart of a server of the test's
own is in test_postgres_restart.py."""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app
from exercises.models import Assignment
from notifications import services
from notifications.models import InAppNotification, Reminder, ReminderState
from tests.notifications import bulk
from tests.processes import (
    SENTINEL_MASTER,
    OwnRedis,
    SentinelSet,
    app_broker,
    expected_ids,
    process_env,
    running_beats,
    sweep_until_done,
    wait_until,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    server = OwnRedis()
    server.start()
    try:
        with app_broker(server.url):
            yield server
    finally:
        server.stop()  # always: a stopped one stays stopped


def test_redis_down_for_20s_web_answers_promptly_and_every_reminder_arrives_once(
    smtp, start_worker, own_redis, counselor, couple, template, as_user
):
    sink, _ = smtp
    start_worker(broker=own_redis.url)
    ids = bulk.due_reminders(couples=20, per_partner=2, counselor=counselor, template=template, now=timezone.now())
    own_redis.stop()
    web = as_user(counselor)
    down_since = time.monotonic()
    slowest_sweep = slowest_request = 0.0
    created = 0
    while time.monotonic() - down_since < 20:
        began = time.monotonic()
        services.reminders_sweep()  # the hand-over fails fast; the leases bring them back
        slowest_sweep = max(slowest_sweep, time.monotonic() - began)
        began = time.monotonic()
        response = web.post(
            f"/couples/{couple.pk}/exercises/",
            {
                "template": template.pk,
                "starts_on": timezone.localdate().isoformat(),
                "due_time": "19:00",
                "schedule": "once",
                "due_on": (timezone.localdate() + timedelta(days=2)).isoformat(),
                "ends": "never",
            },
        )
        slowest_request = max(slowest_request, time.monotonic() - began)
        assert response.status_code == 302, response.content[:500]
        created += 1
        time.sleep(1)
    assert Assignment.objects.filter(couple=couple).count() == created
    assert slowest_request < 2.0 and slowest_sweep < 2.0, (slowest_request, slowest_sweep)
    assert sink.count() == 0
    own_redis.start()  # same port; the worker is not restarted
    sweep_until_done(ids, timeout=40)
    assert Counter(sink.message_ids) == expected_ids(ids)
    assert InAppNotification.objects.filter(reminder__in=ids).count() == len(ids)


@pytest.fixture
def sentinel_broker() -> Iterator[SentinelSet]:
    """A broker found through a Sentinel of the test's own (production's
    set-up, deploy/): a primary, its replica and the Sentinel, killed
    whatever happens. This process's Celery app uses it too."""
    with tempfile.TemporaryDirectory(prefix="portal-broker-") as folder:
        servers = SentinelSet(Path(folder))
        options = celery_app.conf.broker_transport_options
        try:
            servers.start()
            celery_app.conf.broker_transport_options = {**options, "master_name": SENTINEL_MASTER}
            with app_broker(f"sentinel://127.0.0.1:{servers.sentinel_port}"):
                yield servers
        finally:
            celery_app.conf.broker_transport_options = options
            servers.stop()


def test_a_worker_holding_tasks_when_the_redis_primary_dies_reconnects_to_the_promoted_replica(
    smtp, start_worker, sentinel_broker, counselor, template
):
    """The worker has a delivery task in hand (taken, not yet acknowledged)
    and is waiting for the next when the primary is killed and the Sentinel
    promotes the replica: the same worker process goes on with the new
    primary, and reminders due after the promotion arrive too. (Celery 5.7
    and kombu 5.7 alone exit here: config/broker.py.)"""
    sink, _ = smtp
    sink.delay = 0.1  # one batch of 50, about 5 s: in hand at the kill, the second slot free
    worker = start_worker(
        broker=f"sentinel://127.0.0.1:{sentinel_broker.sentinel_port}", sentinel_master=SENTINEL_MASTER
    )
    ids = bulk.due_reminders(couples=25, per_partner=1, counselor=counselor, template=template, now=timezone.now())
    services.reminders_sweep()
    wait_until(lambda: sink.count() > 0, timeout=20, what="the worker to be sending")
    sentinel_broker.kill_primary()
    wait_until(
        lambda: sentinel_broker.primary_is(sentinel_broker.replica_port), timeout=20, what="the Sentinel to promote"
    )
    sink.delay = 0.0
    later = bulk.due_reminders(couples=5, per_partner=1, counselor=counselor, template=template, now=timezone.now())
    try:
        sweep_until_done(ids + later, timeout=60)
    except AssertionError:
        assert worker.poll() is None, "the worker exited instead of reconnecting to the promoted replica"
        raise
    assert set(sink.message_ids) == set(expected_ids(ids + later))
    assert worker.poll() is None


def kill_worker_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND application_name = 'reminder-worker'"
        )
        return cursor.rowcount


def test_the_worker_goes_on_after_its_postgresql_sessions_are_killed_mid_batch(smtp, start_worker, counselor, template):
    """Celery closes a task's connections when it ends, so a restart hurts
    only tasks in flight: their sessions die mid-batch. Those fail, their
    leases lapse, the next sweeps hand them out again, and the same worker
    (not restarted) sends them on fresh connections."""
    sink, _ = smtp
    start_worker(application_name="reminder-worker")
    ids = bulk.due_reminders(couples=100, per_partner=2, counselor=counselor, template=template, now=timezone.now())
    services.reminders_sweep()  # hands out all 400
    wait_until(lambda: sink.count() >= 40, timeout=30, what="the first messages")
    killed = 0
    deadline = time.monotonic() + 10
    while not killed and time.monotonic() < deadline:
        killed = kill_worker_sessions()  # as a restart would, under the running tasks
    assert killed >= 1 and sink.count() < len(ids), "nothing in flight to kill; make the test bigger"
    sweep_until_done(ids, timeout=45)
    counts = Counter(sink.message_ids)
    assert set(counts) == set(expected_ids(ids))  # 0 missing, and no worker restart
    twice = [mid for mid, n in counts.items() if n > 1]
    assert len(twice) <= 2 * killed and all(counts[mid] == 2 for mid in twice)  # only those in flight
    assert InAppNotification.objects.filter(reminder__in=ids).count() == len(ids)  # always exactly once
    # And it keeps going: a new batch after the kill goes through the same worker.
    more = bulk.due_reminders(couples=5, per_partner=2, counselor=counselor, template=template, now=timezone.now())
    sweep_until_done(more, timeout=30)
    assert Counter(m for m in sink.message_ids if m in expected_ids(more)) == expected_ids(more)


def test_a_delivery_task_that_meets_a_database_error_tries_again_without_waiting_for_its_lease(
    smtp, start_worker, counselor, template, settings
):
    """Leases of two minutes here: everything still arriving within 30 s of
    the kill means the killed tasks retried (after DATABASE_RETRY_DELAY)
    rather than waiting for a sweep to hand their reminders out again."""
    sink, _ = smtp
    start_worker(application_name="reminder-worker", lease_seconds=120)
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "DISPATCH_LEASE": timedelta(seconds=120)}
    ids = bulk.due_reminders(couples=100, per_partner=2, counselor=counselor, template=template, now=timezone.now())
    services.reminders_sweep()
    wait_until(lambda: sink.count() >= 40, timeout=30, what="the first messages")
    killed = 0
    deadline = time.monotonic() + 10
    while not killed and time.monotonic() < deadline:
        killed = kill_worker_sessions()
    assert killed >= 1 and sink.count() < len(ids), "nothing in flight to kill; make the test bigger"

    def all_settled() -> bool:
        return not Reminder.objects.filter(
            pk__in=ids, state__in=[ReminderState.PENDING, ReminderState.SENDING]
        ).exists()

    wait_until(all_settled, timeout=30, what="every reminder to be sent, with no sweep", step=0.5)
    counts = Counter(sink.message_ids)
    assert set(counts) == set(expected_ids(ids))
    assert all(n <= 2 for n in counts.values())


def test_two_beat_processes_at_once_still_send_each_reminder_once(smtp, start_worker, counselor, template):
    sink, server = smtp
    start_worker()
    ids = bulk.due_reminders(couples=75, per_partner=2, counselor=counselor, template=template, now=timezone.now())
    assert len(ids) == 300
    with running_beats(process_env(server.port), count=2) as beats:

        def done() -> bool:
            return not Reminder.objects.filter(
                pk__in=ids, state__in=[ReminderState.PENDING, ReminderState.SENDING]
            ).exists()

        wait_until(done, timeout=45, what="the beats' sweeps to send everything", step=0.5)
        time.sleep(3)  # a few more sweeps from both: nothing more goes
        assert all(beat.poll() is None for beat in beats)  # both were running all along
    assert all(beat.returncode is not None for beat in beats)
    assert Counter(sink.message_ids) == expected_ids(ids)
    assert InAppNotification.objects.filter(reminder__in=ids).count() == 300
