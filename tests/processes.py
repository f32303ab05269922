"""Real processes for the tests that need them: a local SMTP server
(aiosmtpd in a thread), Celery worker and beat processes on the test
database and broker, and small helpers to wait for them and stop them.
The fixtures built on these are in tests/plugins/processes.py."""

from __future__ import annotations

import contextlib
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

from aiosmtpd.controller import Controller
from django.db import connection

from notifications import services
from notifications.models import Reminder, ReminderState

ROOT = Path(__file__).resolve().parents[1]


BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")


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
