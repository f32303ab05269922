"""The database away: a real gunicorn process whose PostgreSQL connection
runs through a switch (tests.processes.TcpSwitch) that the test turns off
and on. Pages answer 503 with Retry-After and the calm page, the API 503 in
JSON, a hung database within the connect timeout, and when the database is
back the same process serves again, with no restart."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from django.db import connection

from accounts.models import ApiToken
from tests.processes import SilentServer, TcpSwitch, running_web, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def database_url(port: int) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@127.0.0.1:{port}/{db['NAME']}"


@pytest.fixture
def switch() -> Iterator[TcpSwitch]:
    forwarder = TcpSwitch(int(connection.settings_dict["PORT"] or 5432))
    try:
        yield forwarder
    finally:
        forwarder.close()


@pytest.fixture
def web(switch) -> Iterator[str]:
    with running_web({"DATABASE_URL": database_url(switch.port), "DB_CONNECT_TIMEOUT": "2"}) as base:
        yield base


@pytest.fixture
def partner_token(partner) -> str:
    _, key = ApiToken.objects.create(user=partner)
    return key


def test_a_page_answers_503_with_retry_after_and_the_calm_page(web, switch):
    switch.switch_off()
    status, headers, body = fetch(f"{web}/me/", {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"})
    assert status == 503
    assert headers["Retry-After"].isdigit()
    assert "Back in a moment" in body
    assert "Your answers are saved" in body


def test_the_503_page_is_not_stored_by_any_cache(web, switch):
    switch.switch_off()
    _, headers, _ = fetch(f"{web}/me/", {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"})
    assert "no-store" in headers["Cache-Control"]


def test_the_api_answers_503_in_json(web, switch, partner_token):
    switch.switch_off()
    status, headers, body = fetch(f"{web}/api/v1/assignments/", {"Authorization": f"Token {partner_token}"})
    assert status == 503
    assert headers["Content-Type"] == "application/json"
    assert "unavailable" in body
    assert headers["Retry-After"].isdigit()


def test_when_the_database_is_back_the_same_process_serves_again(web, switch, partner_token):
    url, auth = f"{web}/api/v1/assignments/", {"Authorization": f"Token {partner_token}"}
    assert fetch(url, auth)[0] == 200
    switch.switch_off()
    assert fetch(url, auth)[0] == 503
    switch.switch_on()
    wait_until(lambda: fetch(url, auth)[0] == 200, timeout=10, what="the API to answer again")


def test_a_hung_database_answers_503_within_the_connect_timeout(db):
    silent = SilentServer()
    try:
        # 2 s: the least libpq waits, whatever a lower setting says.
        with running_web({"DATABASE_URL": database_url(silent.port), "DB_CONNECT_TIMEOUT": "2"}) as base:
            fetch(f"{base}/healthz")  # the worker's first request loads the URLs and templates
            started = time.monotonic()
            status, _, _ = fetch(f"{base}/me/", {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"})
            elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert status == 503
    assert elapsed < 3.0
