"""Health endpoints for load balancers and orchestrators.

``/healthz``: the process answers (touches nothing else). ``/readyz``: the
database and the broker each answer within a second and no migration is
waiting. Both say only ok or not ok: no versions, host names or error text.

Each outside check runs in a thread of its own and the view waits for it at
most CHECK_DEADLINE, so a PostgreSQL or Redis that accepts connections and
never answers costs a probe a second, not a hung web worker. A check whose
previous run is still stuck is reported failed without starting another, so
a long outage leaves at most one waiting thread per check and process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from kombu import Connection

CHECK_DEADLINE = 1.0
# Connection timeouts of the checks' own connections. psycopg, like libpq,
# waits at least 2 s to connect; the thread's deadline is what bounds the answer.
CONNECT_TIMEOUT = 1


def _database_reachable() -> None:
    """SELECT 1 on a connection of its own (not the request's pooled one,
    which a hung server could hold forever), closed afterwards."""
    wrapper = connections.create_connection("default")
    settings_dict = dict(wrapper.settings_dict)
    if settings_dict["ENGINE"] != "django.db.backends.sqlite3":
        settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "connect_timeout": CONNECT_TIMEOUT}
    wrapper.settings_dict = settings_dict
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        wrapper.close()


def _broker_reachable() -> None:
    """Opens a broker connection with short timeouts (kombu's Redis
    transport pings the server as it connects)."""
    options = {
        **getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
        "socket_connect_timeout": CONNECT_TIMEOUT,
        "socket_timeout": CONNECT_TIMEOUT,
        "max_retries": 0,
    }
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=CONNECT_TIMEOUT, transport_options=options) as broker:
        broker.ensure_connection(max_retries=0, interval_start=0, timeout=CONNECT_TIMEOUT)
        broker.default_channel  # noqa: B018  (opening the channel is what talks to the server)


_migrations_applied = False


def _migrations_applied_check() -> None:
    """Raises while a migration of the code this process runs is not applied
    to the database. Once they are all applied, the answer is kept: it can
    only change when new code (a new process) arrives."""
    global _migrations_applied
    if _migrations_applied:
        return
    wrapper = connections.create_connection("default")
    try:
        executor = MigrationExecutor(wrapper)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise RuntimeError("unapplied migrations")
    finally:
        wrapper.close()
    _migrations_applied = True


def forget_migrations_answer() -> None:
    """For tests: ask the database again on the next check."""
    global _migrations_applied
    _migrations_applied = False


class _Check:
    """One named check, run in its own daemon thread with a deadline."""

    def __init__(self, name: str, probe: Callable[[], None]) -> None:
        self.name = name
        self.probe = probe
        self._lock = threading.Lock()
        self._running: threading.Thread | None = None

    def start(self) -> Callable[[float], bool]:
        """Starts the probe; returns a function that waits for it until the
        given moment (time.monotonic()) and tells whether it passed."""
        outcome: dict[str, bool] = {}
        with self._lock:
            if self._running is not None and self._running.is_alive():
                return lambda deadline: False  # the last one is stuck: so is this one

            def run() -> None:
                try:
                    self.probe()
                except Exception:
                    outcome["ok"] = False
                else:
                    outcome["ok"] = True

            thread = threading.Thread(target=run, name=f"readyz-{self.name}", daemon=True)
            self._running = thread
            thread.start()

        def wait(deadline: float) -> bool:
            thread.join(max(0.0, deadline - time.monotonic()))
            return outcome.get("ok", False)

        return wait

    def join(self, timeout: float) -> None:
        with self._lock:
            running = self._running
        if running is not None:
            running.join(timeout)


CHECKS = [
    _Check("database", _database_reachable),
    _Check("broker", _broker_reachable),
    _Check("migrations", _migrations_applied_check),
]


def wait_for_running_checks(timeout: float) -> None:
    """Waits (each at most ``timeout``) for checks still running: for tests,
    which must not leave one stuck for the next."""
    for check in CHECKS:
        check.join(timeout)


def _answer(body: dict[str, Any], status: int) -> JsonResponse:
    response = JsonResponse(body, status=status)
    add_never_cache_headers(response)
    return response


@login_not_required
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return _answer({"status": "ok"}, 200)


@login_not_required
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    deadline = time.monotonic() + CHECK_DEADLINE
    waits = [(check.name, check.start()) for check in CHECKS]
    results = {name: "ok" if wait(deadline) else "failed" for name, wait in waits}
    if all(result == "ok" for result in results.values()):
        return _answer({"status": "ok"}, 200)
    return _answer({"status": "unavailable", "checks": results}, 503)
