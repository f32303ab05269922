"""Logs: one JSON object a line, a request id on every line of a request and
of the tasks it queued, one access line per request that names the user by
id only and the path without its query string."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.test import Client

from portal.log_format import PortalJsonFormatter
from portal.request_id import RequestIdFilter

ROOT = Path(__file__).resolve().parents[2]
GENERATED_ID = re.compile(r"[0-9a-f]{32}")


class JsonLines:
    """What a logger wrote through the portal's JSON formatter, as dicts."""

    def __init__(self) -> None:
        self.stream = io.StringIO()

    def all(self) -> list[dict]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]


@pytest.fixture
def json_log() -> Iterator[JsonLines]:
    """The root logger's lines, formatted as production formats them."""
    lines = JsonLines()
    handler = logging.StreamHandler(lines.stream)
    handler.setFormatter(PortalJsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lines
    finally:
        root.removeHandler(handler)


def access_lines(lines: JsonLines) -> list[dict]:
    return [line for line in lines.all() if line["logger"] == "portal.access"]


@pytest.mark.django_db
def test_each_request_writes_one_json_access_line_with_the_id_it_answers_with(json_log):
    response = Client().get("/healthz")
    [line] = access_lines(json_log)
    assert line["request_id"] == response["X-Request-ID"]
    assert GENERATED_ID.fullmatch(line["request_id"])
    assert line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"], line["user_id"]) == ("GET", "/healthz", 200, None)
    assert isinstance(line["duration_ms"], float)
    assert datetime.fromisoformat(line["time"]).utcoffset() == UTC.utcoffset(None)


@pytest.mark.django_db
def test_the_access_line_names_the_user_by_id_and_leaves_out_the_query_string(json_log, as_user, partner):
    client = as_user(partner)
    client.get("/me/?note=SECRET-in-the-query")
    [line] = [line for line in access_lines(json_log) if line["path"] == "/me/"]
    assert line["user_id"] == partner.pk
    text = json_log.stream.getvalue()
    assert "SECRET-in-the-query" not in text
    assert partner.email not in text
    assert partner.full_name not in text


@pytest.mark.django_db
def test_a_well_formed_incoming_request_id_is_kept(json_log):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="haproxy-0a1b2c3d")
    assert response["X-Request-ID"] == "haproxy-0a1b2c3d"
    assert access_lines(json_log)[0]["request_id"] == "haproxy-0a1b2c3d"


@pytest.mark.parametrize("sent", ["short", "x" * 65, "spaces are not allowed", 'a"}{"forged":"1'])
@pytest.mark.django_db
def test_a_malformed_incoming_request_id_is_replaced(json_log, sent):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID=sent)
    assert GENERATED_ID.fullmatch(response["X-Request-ID"])
    assert sent not in json_log.stream.getvalue()


@pytest.mark.django_db
def test_other_lines_written_during_a_request_carry_its_id(json_log):
    response = Client(REMOTE_ADDR="203.0.113.9").get("/metrics")  # Django logs "Not Found" at WARNING
    [not_found] = [line for line in json_log.all() if line["logger"] == "django.request"]
    assert not_found["request_id"] == response["X-Request-ID"]
    assert "request" not in not_found  # Django's extra: the request, whose repr carries the query string


def test_a_line_outside_any_request_has_no_request_id(json_log):
    logging.getLogger("portal.test").warning("outside")
    [line] = json_log.all()
    assert line["message"] == "outside"
    assert "request_id" not in line


def test_a_task_s_arguments_never_reach_a_json_line(json_log):
    # Celery's trace logs a failed task with its arguments in ``data``.
    logging.getLogger("celery.app.trace").error("Task failed", extra={"data": {"args": ["a reset link"], "kwargs": {}}})
    [line] = json_log.all()
    assert "data" not in line
    assert "a reset link" not in json_log.stream.getvalue()


@pytest.mark.slow
def test_production_logs_json_lines_on_stderr(tmp_path):
    """Settings as production loads them (DEBUG off, no LOG_FORMAT): JSON."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "k" * 50,
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "portal.example.org",
        "PORTAL_BASE_URL": "https://portal.example.org",
        "PORTAL_ENV_FILE": str(tmp_path / ".env"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("LOG_FORMAT", None)
    script = "import django, logging; django.setup(); logging.getLogger('portal.test').warning('hello')"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    [line] = [json.loads(text) for text in done.stderr.splitlines() if text.startswith("{")]
    assert (line["level"], line["logger"], line["message"]) == ("WARNING", "portal.test", "hello")
