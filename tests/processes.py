"""Real processes for the tests that need them: a local SMTP server
(aiosmtpd in a thread), Celery worker and beat processes on the test
database and broker, and small helpers to wait for them and stop them.
The fixtures built on these are in tests/plugins/processes.py."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
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
from email import policy as email_policy
from email.message import EmailMessage as Message
from pathlib import Path

import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from notifications import services
from notifications.models import Reminder, ReminderState

ROOT = Path(__file__).resolve().parents[1]


BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")


class Sink:
    """An SMTP server's handler that records each message's Message-ID;
    ``reply`` overrides the answer to DATA (e.g. a 451); ``delay`` makes each
    answer to DATA wait that many seconds (a slow mail server, so that a
    delivery task is still running when a test pulls the broker away)."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self.messages: list[Message] = []  # the whole messages, for tests that read them
        self.reply: str | None = None
        self.delay = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.reply:
            return self.reply
        message = message_from_bytes(envelope.content, policy=email_policy.default)
        with self.lock:
            self.message_ids.append(str(message["Message-ID"]))
            self.messages.append(message)
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


REDIS_SERVER = shutil.which("redis-server")


class OwnRedis:
    """A redis-server of this test's own, on a fixed free port, that can be
    stopped and started again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        assert REDIS_SERVER, "redis-server is not installed"
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, timeout=10, what="our redis-server to start")

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=0.2)

    def answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


SENTINEL_MASTER = "portal-test"


class SentinelSet:
    """A primary, its replica and one Sentinel watching them, each a
    redis-server of the test's own on a free port, in ``folder``; stop()
    kills them all (call it whatever happens)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.primary_port, self.replica_port, self.sentinel_port = free_port(), free_port(), free_port()
        self.processes: dict[str, subprocess.Popen] = {}

    def _redis(self, name: str, port: int, *extra: str) -> None:
        assert REDIS_SERVER, "redis-server is not installed"
        self.processes[name] = subprocess.Popen(
            [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", *extra],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start(self) -> None:
        self._redis("primary", self.primary_port)
        self._redis("replica", self.replica_port, "--replicaof", "127.0.0.1", str(self.primary_port))
        config = self.folder / "sentinel.conf"
        config.write_text(
            f"port {self.sentinel_port}\nbind 127.0.0.1\n"
            f"sentinel monitor {SENTINEL_MASTER} 127.0.0.1 {self.primary_port} 1\n"
            f"sentinel down-after-milliseconds {SENTINEL_MASTER} 500\n"
            f"sentinel failover-timeout {SENTINEL_MASTER} 2000\n"
        )
        assert REDIS_SERVER
        self.processes["sentinel"] = subprocess.Popen(
            [REDIS_SERVER, str(config), "--sentinel"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.replica_in_sync, timeout=15, what="the replica to follow the primary")
        wait_until(self.sentinel_knows_replica, timeout=15, what="the Sentinel to see the replica")

    def client(self, port: int) -> redis.Redis:
        return redis.Redis(port=port, socket_timeout=1, socket_connect_timeout=1)

    def replica_in_sync(self) -> bool:
        try:
            return self.client(self.replica_port).info("replication").get("master_link_status") == "up"
        except redis.RedisError:
            return False

    def sentinel_knows_replica(self) -> bool:
        try:
            return bool(self.client(self.sentinel_port).sentinel_slaves(SENTINEL_MASTER))
        except redis.RedisError:
            return False

    def primary_is(self, port: int) -> bool:
        try:
            return self.client(self.sentinel_port).sentinel_get_master_addr_by_name(SENTINEL_MASTER)[1] == port
        except (redis.RedisError, TypeError):
            return False

    def kill_primary(self) -> None:
        self.processes["primary"].kill()
        self.processes["primary"].wait(10)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
                process.wait(10)


class SilentServer:
    """A TCP server that accepts connections and never answers: what a hung
    Redis or PostgreSQL looks like to a client."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.port = self.socket.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = self.socket.accept()
                self.accepted.append(conn)

    def close(self) -> None:
        self.socket.close()
        for conn in self.accepted:
            conn.close()


class TcpSwitch:
    """A TCP forwarder in front of a real server (PostgreSQL here) that can
    be switched off and on: off, it cuts every open connection and refuses
    new ones, which is what a client sees of the server going down; on
    again, the server is back. The shared server itself is never touched."""

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.on = True
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.port = self.listener.getsockname()[1]
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                client, _ = self.listener.accept()
                if not self.on:
                    client.close()
                    continue
                try:
                    upstream = socket.create_connection(self.target, timeout=5)
                except OSError:
                    client.close()
                    continue
                with self.lock:
                    self.open.update((client, upstream))
                for source, sink in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def switch_off(self) -> None:
        self.on = False
        with self.lock:
            for conn in self.open:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            self.open.clear()

    def switch_on(self) -> None:
        self.on = True

    def close(self) -> None:
        self.switch_off()
        self.listener.close()


_static_collected = False


def _collect_static(env: dict[str, str]) -> None:
    """With DEBUG off pages name their static files from collectstatic's
    manifest, as in production: collected once per test run."""
    global _static_collected
    if not _static_collected:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        _static_collected = True


@contextlib.contextmanager
def running_web(env: dict[str, str]) -> Iterator[str]:
    """The portal under gunicorn (one worker, production settings) with
    ``env`` on a free port; yields its base URL. Stopped on the way out."""
    port = free_port()
    production = {
        "DEBUG": "false",
        "SECRET_KEY": "test-" + "k" * 60,
        # The test database's content is encrypted with the test process's keys.
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "PYTHONPATH": str(ROOT),
    }
    _collect_static({**os.environ, **production})
    web = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
            "--timeout=30",
        ],
        cwd=ROOT,
        env={**os.environ, **production, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def listening() -> bool:
            with socket.socket() as probe:
                return probe.connect_ex(("127.0.0.1", port)) == 0

        wait_until(listening, timeout=30, what="gunicorn to listen")
        yield f"http://127.0.0.1:{port}"
    finally:
        web.terminate()
        try:
            web.wait(10)
        except subprocess.TimeoutExpired:
            web.kill()
            web.wait(5)


@contextlib.contextmanager
def app_broker(url: str) -> Iterator[None]:
    """Point this process's Celery app (sweep hand-over, pings) at ``url``."""
    previous = celery_app.conf.broker_url

    def switch(to: str) -> None:
        # Forget every cached connection pool, so the next use connects to ``to``.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        celery_app.__dict__.pop("control", None)
        # Celery reads CELERY_BROKER_URL from the environment before its conf.
        os.environ["CELERY_BROKER_URL"] = to
        celery_app.conf.broker_url = to

    switch(url)
    try:
        yield
    finally:
        switch(previous)
