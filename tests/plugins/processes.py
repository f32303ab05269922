"""Fixtures that start real processes: ``smtp`` (a local SMTP server that
records what it receives) and ``start_worker`` (Celery worker processes on
the test database and Redis). Tests that use them are marked ``slow``."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from config.celery import app as celery_app
from tests.notifications.worker_settings import NOTIFICATIONS as WORKER_TUNING
from tests.processes import BROKER_URL, ROOT, Sink, SmtpServer, kill, process_env, wait_until


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for a real SMTP server or worker is ``slow``, wherever
    it is; ``./scripts/test.sh -m "not slow"`` leaves them out."""
    for item in items:
        if {"smtp", "start_worker"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


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


@pytest.fixture
def start_worker(smtp, settings) -> Iterator[Callable[..., subprocess.Popen]]:
    """start_worker() -> a running `celery -A config worker` (2 processes)."""
    settings.NOTIFICATIONS = WORKER_TUNING  # the sweep here and the worker agree on leases
    redis.Redis.from_url(BROKER_URL).flushdb()  # this test's own database (see the brief)
    celery_app.conf.task_always_eager = False
    env = process_env(smtp[1].port)
    workers: list[subprocess.Popen] = []

    def start(
        *,
        broker: str = BROKER_URL,
        sentinel_master: str = "",
        application_name: str = "",
        database_url: str = "",
        lease_seconds: float = 0,
    ) -> subprocess.Popen:
        """``broker``: another Redis (the fault tests' own); ``sentinel_master``:
        the primary's name, when ``broker`` is a sentinel:// URL;
        ``application_name``: how the worker's PostgreSQL sessions are named
        in pg_stat_activity;
        ``database_url``: another PostgreSQL (the restart test's own);
        ``lease_seconds``: the worker's leases, instead of 8 s."""
        worker_env = {**env, "CELERY_BROKER_URL": broker}
        if sentinel_master:
            worker_env["REDIS_SENTINEL_MASTER"] = sentinel_master
        if lease_seconds:
            worker_env["WORKER_LEASE_SECONDS"] = str(lease_seconds)
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
