"""/healthz and /readyz: what a load balancer and an orchestrator ask each web
process. Ready means the database and the broker answer within a second and
no migration is waiting; the answer names nothing but the checks."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from portal import health

READY = {"status": "ok"}


class SilentServer:
    """A TCP port that accepts connections and never says a word: a hung
    Redis or PostgreSQL."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:  # closed: the test is over
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.listener.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    try:
        yield server
    finally:
        server.close()
        # The checks that waited on it now fail fast; the next test starts clean.
        health.wait_for_running_checks(timeout=5)


@pytest.fixture(autouse=True)
def _ask_about_migrations_afresh() -> Iterator[None]:
    health.forget_migrations_answer()
    yield
    health.wait_for_running_checks(timeout=5)
    health.forget_migrations_answer()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once it is closed


def test_healthz_answers_ok_without_touching_the_database():
    # No django_db mark: any query would fail the test.
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == READY


@pytest.mark.django_db
def test_readyz_answers_ok_when_database_broker_and_migrations_are_ready():
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == READY


@pytest.mark.django_db
def test_health_answers_are_never_cached():
    for path in ("/healthz", "/readyz"):
        assert "no-store" in Client().get(path)["Cache-Control"]


@pytest.mark.django_db
def test_readyz_names_the_broker_when_nothing_listens_on_its_port(settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "broker": "failed", "migrations": "ok"},
    }


@pytest.mark.django_db
def test_readyz_answers_within_a_second_and_a_half_when_the_broker_hangs(settings, silent_server):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent_server.port}/0"
    started = time.monotonic()
    response = Client().get("/readyz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "failed"
    assert elapsed < 1.5, f"/readyz took {elapsed:.2f} s"


@pytest.mark.django_db
def test_readyz_answers_within_a_second_and_a_half_when_the_database_hangs(monkeypatch, silent_server):
    # The checks open connections of their own from these settings; the
    # test's own connection is already open and keeps the real server.
    hung = {**connections.settings["default"], "HOST": "127.0.0.1", "PORT": str(silent_server.port)}
    monkeypatch.setitem(connections.settings, "default", hung)
    started = time.monotonic()
    response = Client().get("/readyz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "failed", "broker": "ok", "migrations": "failed"}
    assert elapsed < 1.5, f"/readyz took {elapsed:.2f} s"


@pytest.mark.django_db
def test_a_check_still_stuck_from_the_last_probe_fails_without_starting_another(settings, monkeypatch, silent_server):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent_server.port}/0"
    monkeypatch.setattr(health, "CONNECT_TIMEOUT", 5)  # the first probe's check stays stuck past the second
    Client().get("/readyz")
    connections_before = len(silent_server.accepted)
    response = Client().get("/readyz")  # within the first probe's socket timeout
    assert response.json()["checks"]["broker"] == "failed"
    assert len(silent_server.accepted) == connections_before


@pytest.mark.django_db(transaction=True)
def test_readyz_names_the_migrations_while_one_is_not_applied():
    # A real unapplied migration: the newest one of an app, unrecorded (its
    # tables stay; only the record goes), and recorded again afterwards.
    recorder = MigrationRecorder(connections["default"])
    newest = recorder.migration_qs.filter(app="notifications").order_by("-applied", "-id").first()
    assert newest is not None
    recorder.record_unapplied(newest.app, newest.name)
    try:
        response = Client().get("/readyz")
    finally:
        recorder.record_applied(newest.app, newest.name)
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "broker": "ok", "migrations": "failed"},
    }


@pytest.mark.django_db
def test_probes_over_plain_http_are_answered_not_redirected_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/accounts/login/").status_code == 301  # the rest of the portal is sent to https
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/metrics").status_code == 200
