"""End to end, with a real Celery worker process (Redis broker), the test
database, and a local SMTP server (aiosmtpd): every due reminder reaches the
SMTP server exactly once, including when the worker is killed mid-batch or
the mail server is down for a while.

The test process plays beat: it runs the sweep in a loop. The worker is
started in its own process group and always killed in teardown."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from email import message_from_bytes
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app
from notifications import services
from notifications.models import InAppNotification, Reminder, ReminderState
from tests.notifications import bulk
from tests.notifications.worker_settings import NOTIFICATIONS as WORKER_TUNING

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _redis_broker():
    # The suite runs on Redis (scripts/test.sh); anything else is a setup error, not a reason to skip.
    assert BROKER_URL.startswith("redis://"), "these tests need Redis as the broker: set CELERY_BROKER_URL"


class Sink:
    """An SMTP server's handler that records each message's Message-ID;
    ``reply`` overrides the answer to DATA (e.g. a 451)."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self.reply: str | None = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.reply:
            return self.reply
        message_id = message_from_bytes(envelope.content)["Message-ID"]
        with self.lock:
            self.message_ids.append(message_id)
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.message_ids)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """aiosmtpd's Controller in a thread, on a fixed port, that can be
    stopped (connections refused) and started again."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        # A stopped Controller's event loop is closed: a new one each time.
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, SmtpServer]]:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    sink = Sink()
    server = SmtpServer(sink)
    server.start()
    try:
        yield sink, server
    finally:
        server.stop()


def process_env(smtp_port: int) -> dict[str, str]:
    """The environment of a worker (or beat) process: the test database, the
    test broker, the local SMTP server and the worker settings."""
    db = connection.settings_dict
    credentials = f"{db['USER']}:{db['PASSWORD']}" if db.get("PASSWORD") else db["USER"]
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
        "DATABASE_URL": f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONPATH": str(ROOT),
    }


@pytest.fixture
def start_worker(smtp, settings) -> Iterator[Callable[..., subprocess.Popen]]:
    """start_worker() -> a running `celery -A config worker` (2 processes)."""
    settings.NOTIFICATIONS = WORKER_TUNING  # the sweep here and the worker agree on leases
    redis.Redis.from_url(BROKER_URL).flushdb()  # this test's own database (see the brief)
    celery_app.conf.task_always_eager = False
    env = process_env(smtp[1].port)
    workers: list[subprocess.Popen] = []

    def start(*, broker: str = BROKER_URL, application_name: str = "", database_url: str = "") -> subprocess.Popen:
        """``broker``: another Redis (the fault tests' own); ``application_name``:
        how the worker's PostgreSQL sessions are named in pg_stat_activity;
        ``database_url``: another PostgreSQL (the restart test's own)."""
        worker_env = {**env, "CELERY_BROKER_URL": broker}
        if database_url:
            worker_env["DATABASE_URL"] = database_url
        if application_name:
            worker_env["DATABASE_URL"] += f"?application_name={application_name}"
        worker = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "config",
                "worker",
                "--concurrency=2",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname=notif-test-{len(workers)}@%h",
            ],
            cwd=ROOT,
            env=worker_env,
            start_new_session=True,  # its own process group: kill -9 takes the pool children too
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        workers.append(worker)
        wait_until(lambda: celery_app.control.ping(timeout=0.5), timeout=30, what="the worker to answer a ping")
        return worker

    try:
        yield start
    finally:
        for worker in workers:
            kill(worker)
        celery_app.conf.task_always_eager = True


@contextlib.contextmanager
def running_beats(env: dict[str, str], count: int = 1) -> Iterator[list[subprocess.Popen]]:
    """``count`` celery beat processes sweeping every second
    (beat_settings), with ``env``; stopped, whatever happens, on the way out."""
    beats: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for n in range(count):
                beats.append(
                    subprocess.Popen(
                        [
                            str(Path(sys.executable).parent / "celery"),
                            "-A",
                            "config",
                            "beat",
                            "--loglevel=WARNING",
                            f"--schedule={tmp}/beat-{n}",
                            f"--pidfile={tmp}/beat-{n}.pid",
                        ],
                        cwd=ROOT,
                        env={**env, "DJANGO_SETTINGS_MODULE": "tests.notifications.beat_settings"},
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
            yield beats
        finally:
            for beat in beats:
                beat.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    beat.wait(10)
                if beat.poll() is None:
                    beat.kill()


def kill(worker: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, sig)
    worker.wait(10)


def wait_until(condition: Callable[[], object], *, timeout: float, what: str, step: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(step)


def sweep_until_done(ids: list[int], *, timeout: float) -> None:
    """Play beat: sweep every half second until no reminder is pending or sending."""

    def done() -> bool:
        services.reminders_sweep()
        return not Reminder.objects.filter(
            pk__in=ids, state__in=[ReminderState.PENDING, ReminderState.SENDING]
        ).exists()

    wait_until(done, timeout=timeout, what="every reminder to be sent", step=0.5)


def expected_ids(ids: list[int]) -> Counter:
    return Counter(f"<reminder.{pk}.exercise_overdue@localhost>" for pk in ids)


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
