"""A real Celery worker, as production runs it (config.settings, JSON logs):
its log lines carry the id of the request that queued the task, and
``manage.py worker_alive`` tells whether it answers."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.test import Client

from config.celery import app as celery_app
from tests.processes import BROKER_URL, ROOT, kill, process_env, wait_until

NODE = "ops-test@%h"

pytestmark = pytest.mark.slow


class Worker:
    def __init__(self, process: subprocess.Popen, log: Path) -> None:
        self.process = process
        self.log = log

    def json_lines(self) -> list[dict]:
        return [json.loads(text) for text in self.log.read_text().splitlines() if text.startswith("{")]


@pytest.fixture
def json_worker(smtp, tmp_path) -> Iterator[Worker]:
    """A `celery -A config worker` on the test database and broker, with the
    portal's own settings and LOG_FORMAT=json; its stderr goes to a file."""
    redis.Redis.from_url(BROKER_URL).flushdb()
    log = tmp_path / "worker.log"
    env = {
        **process_env(smtp[1].port),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
    }
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "config",
                "worker",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                f"--hostname={NODE}",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        wait_until(lambda: celery_app.control.ping(timeout=0.5), timeout=30, what="the worker to answer a ping")
        yield Worker(process, log)
    finally:
        kill(process)


def worker_alive(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "worker_alive", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.django_db
def test_a_task_queued_by_a_request_logs_with_that_request_s_id(json_worker, partner):
    celery_app.conf.task_always_eager = False  # set back by the suite's _celery_eager fixture
    # Asking for a password reset queues the e-mail (accounts.send_rendered_email).
    response = Client().post("/accounts/password/reset/", {"email": partner.email})
    assert response.status_code == 302
    request_id = response["X-Request-ID"]

    def task_line() -> dict | None:
        lines = [line for line in json_worker.json_lines() if line["logger"] == "portal.tasks"]
        return lines[0] if lines else None

    wait_until(task_line, timeout=30, what="the worker to log the task")
    line = task_line()
    assert line is not None
    assert (line["task"], line["state"], line["request_id"]) == ("accounts.send_rendered_email", "SUCCESS", request_id)
    assert partner.email not in json_worker.log.read_text()


def test_worker_alive_exits_0_while_the_worker_answers(json_worker):
    done = worker_alive("--name", NODE)
    assert done.returncode == 0, done.stderr


def test_worker_alive_exits_1_when_no_worker_answers():
    done = worker_alive("--name", "nobody-here@%h")
    assert done.returncode == 1
