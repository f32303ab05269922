"""Benchmark: the caseload dashboard for a counselor with 200 couples and 12 weeks of history.

Not part of the test suite. Run from the project root:

    .venv/bin/python bench/dashboard.py [--runs 15] [--seconds 8] [--threads 8] [--keep]

It needs PostgreSQL: BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/portal_bench_dashboard) names a database
of its own, which is dropped, created, migrated, filled with the seeded
generator of the tests (tests/progress/generate.py), analyzed, measured and dropped
again (--keep leaves it).

1. In process, on one connection: the dashboard's figures as the API computes
   them (progress.selectors.dashboard and progress.serializers.dashboard_data,
   what the API view returns) against a floor
   measured in the same run: one hand-written SQL statement computing the same
   figures over the same rows (checked equal before timing). Medians of --runs.
2. Over HTTP: gunicorn with 2 workers on loopback serving the portal plus a
   bare authenticated DRF endpoint returning a constant; a threaded keep-alive
   client (bounded in time) drives each for --seconds: requests per second and
   p95 latency.

The last line is machine-readable: `ratio=<dashboard median / floor median> target=2`.
The script exits 0 whether or not the target is met.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time as clock
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._database import recreate_database  # noqa: E402
from portal.keys import development_key_file  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_dashboard"
TARGET = 2
COUPLES = 200

FLOOR_SQL = """
WITH c AS (
    SELECT c.id, c.partner_one_id AS p1, c.partner_two_id AS p2
    FROM accounts_couple c
    WHERE c.status IN ('active', 'paused')
      AND (c.primary_counselor_id = %(counselor)s OR EXISTS (
            SELECT 1 FROM accounts_couple_other_counselors o WHERE o.couple_id = c.id AND o.user_id = %(counselor)s))
), occ AS (
    SELECT o.id, a.couple_id, o.due_at, o.completed_at, a.status, t.kind
    FROM exercises_occurrence o JOIN exercises_assignment a ON a.id = o.assignment_id
    JOIN exercises_exercisetemplate t ON t.id = a.template_id
    WHERE a.couple_id IN (SELECT id FROM c)
), recent AS (
    SELECT occ.couple_id, count(*) AS due,
        count(*) FILTER (WHERE d.p1) AS p1_done, count(*) FILTER (WHERE d.p2) AS p2_done
    FROM occ JOIN c ON c.id = occ.couple_id
    LEFT JOIN LATERAL (
        SELECT bool_or(r.author_id = c.p1 OR r.author_id IS NULL) AS p1,
               bool_or(r.author_id = c.p2 OR r.author_id IS NULL) AS p2
        FROM exercises_response r WHERE r.occurrence_id = occ.id AND r.state = 'submitted'
    ) d ON true
    WHERE occ.due_at >= %(since)s AND occ.due_at < %(now)s
    GROUP BY occ.couple_id
), overdue AS (
    SELECT couple_id, count(*) AS n FROM occ
    WHERE due_at < %(now)s AND completed_at IS NULL AND status = 'active' GROUP BY couple_id
), activity AS (
    -- a ritual's logs (a practice exercise) do not wait for review
    SELECT occ.couple_id, count(*) FILTER (WHERE r.reviewed_at IS NULL AND occ.kind <> 'practice') AS waiting,
        max(r.submitted_at) AS last
    FROM exercises_response r JOIN occ ON occ.id = r.occurrence_id
    WHERE r.state = 'submitted' GROUP BY occ.couple_id
), ranked AS (
    SELECT s.id, s.couple_id, s.partner_id, s.measure_id, s.score, s.submitted_at,
        row_number() OVER (PARTITION BY s.couple_id, s.partner_id ORDER BY s.submitted_at DESC, s.id DESC) AS rn
    FROM progress_measurescore s WHERE s.couple_id IN (SELECT id FROM c)
), latest AS (
    SELECT * FROM ranked WHERE rn = 1
), previous AS (
    SELECT DISTINCT ON (l.couple_id, l.partner_id) l.couple_id, l.partner_id, r.score
    FROM latest l JOIN ranked r ON r.couple_id = l.couple_id AND r.partner_id = l.partner_id
        AND r.measure_id = l.measure_id AND r.id <> l.id
    ORDER BY l.couple_id, l.partner_id, r.submitted_at DESC, r.id DESC
), upcoming AS (
    SELECT couple_id, min(start) AS next FROM scheduling_appointment
    WHERE status = 'confirmed' AND start >= %(now)s AND couple_id IN (SELECT id FROM c) GROUP BY couple_id
)
SELECT c.id, coalesce(recent.due, 0), coalesce(recent.p1_done, 0), coalesce(recent.p2_done, 0),
    coalesce(overdue.n, 0), coalesce(activity.waiting, 0), activity.last, upcoming.next,
    l1.score, l1.score - v1.score, l2.score, l2.score - v2.score
FROM c
LEFT JOIN recent ON recent.couple_id = c.id
LEFT JOIN overdue ON overdue.couple_id = c.id
LEFT JOIN activity ON activity.couple_id = c.id
LEFT JOIN upcoming ON upcoming.couple_id = c.id
LEFT JOIN latest l1 ON l1.couple_id = c.id AND l1.partner_id = c.p1
LEFT JOIN previous v1 ON v1.couple_id = c.id AND v1.partner_id = c.p1
LEFT JOIN latest l2 ON l2.couple_id = c.id AND l2.partner_id = c.p2
LEFT JOIN previous v2 ON v2.couple_id = c.id AND v2.partner_id = c.p2
"""


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"  # no query log: time what production runs
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
    # Clinical content is encrypted (docs/encryption.md): the development key, as the demo uses.
    os.environ.setdefault(
        "FIELD_ENCRYPTION_KEYS", ",".join(development_key_file(ROOT / "var" / "field-encryption-keys"))
    )
    os.environ.setdefault("PORTAL_BASE_URL", "http://localhost")  # required when DEBUG is off
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("CACHE_URL", "locmemcache://bench")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def fill(now: datetime) -> tuple[Any, str]:
    """Dana, a counselor with 2FA on and an API token, and 200 generated couples."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from accounts.models import ApiToken, Role, User
    from tests.progress.generate import generate

    counselor = User.objects.create_user("dana@bench.test", full_name="Dana Reyes", role=Role.COUNSELOR)
    TOTP.activate(counselor, generate_totp_secret())
    started = clock.perf_counter()
    generate(counselor, COUPLES, now=now, seed=2024)
    from django.db import connection

    with connection.cursor() as cursor:
        # Bulk-loaded rows have no planner statistics yet; autovacuum would gather them in a
        # running practice. Without them PostgreSQL picks nested loops from the wrong side.
        cursor.execute("ANALYZE")
    print(f"filled {COUPLES} couples in {clock.perf_counter() - started:.1f}s", flush=True)
    _, key = ApiToken.objects.create(user=counselor)
    return counselor, key


def api_figures(counselor: Any, now: datetime) -> list[Any]:
    from progress import selectors
    from progress.serializers import dashboard_data

    return dashboard_data(selectors.dashboard(counselor, now=now))  # what the API view returns


def floor(counselor: Any, now: datetime) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, {"counselor": counselor.pk, "now": now, "since": now - timedelta(days=28)})
        return cursor.fetchall()


def check_same(api: list[Any], rows: list[tuple[Any, ...]]) -> None:
    """The floor computes the very figures the API returns."""

    def dec(value: Any) -> str | None:
        return None if value is None else f"{Decimal(value):.2f}"

    def when(value: str | None) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)

    from_api = {
        r["couple"]: (
            r["due_last_4_weeks"],
            r["partners"][0]["done_last_4_weeks"],
            r["partners"][1]["done_last_4_weeks"],
            r["overdue"],
            r["waiting_for_review"],
            when(r["last_activity"]),
            when(r["next_appointment"]),
            r["partners"][0]["latest_score"],
            r["partners"][0]["score_change"],
            r["partners"][1]["latest_score"],
            r["partners"][1]["score_change"],
        )
        for r in api
    }
    from_floor = {row[0]: (*row[1:8], dec(row[8]), dec(row[9]), dec(row[10]), dec(row[11])) for row in rows}
    if from_api != from_floor:
        differing = [pk for pk in from_api if from_api[pk] != from_floor.get(pk)][:3]
        raise SystemExit(f"the floor disagrees with the API, e.g. couples {differing}")


def timed(functions: list[Any], runs: int) -> list[float]:
    """The median time of each function over ``runs``, taken in turns (one run of
    each, then again), so that a burst of load on a shared machine weighs on
    the dashboard and on its floor alike."""
    samples: list[list[float]] = [[] for _ in functions]
    for _ in range(runs):
        for function, times in zip(functions, samples, strict=True):
            started = clock.perf_counter()
            function()
            times.append(clock.perf_counter() - started)
    return [statistics.median(times) for times in samples]


# --- Over HTTP -------------------------------------------------------------------------------------

SERVER_MODULE = '''
from django.conf import settings
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
settings.ROOT_URLCONF = __name__  # the portal's URLs and the constant endpoint beside them

from django.urls import include, path  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402


class Constant(APIView):
    """A bare authenticated DRF endpoint returning a constant (the HTTP floor)."""

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [path("bench/constant/", Constant.as_view()), path("", include("config.urls"))]
'''


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int, timeout: float = 20) -> None:
    deadline = clock.monotonic() + timeout
    while clock.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        clock.sleep(0.1)
    raise SystemExit(f"gunicorn did not listen on port {port}")


def load(port: int, path: str, token: str, *, seconds: float, threads: int) -> tuple[float, float, int]:
    """(requests per second, p95 in ms, errors) of ``threads`` keep-alive clients for ``seconds``."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = clock.monotonic() + seconds

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        while clock.monotonic() < deadline:
            started = clock.perf_counter()
            try:
                connection.request("GET", path, headers={"Authorization": f"Token {token}"})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if ok:
                mine.append(clock.perf_counter() - started)
            else:
                with lock:
                    errors[0] += 1
        connection.close()
        with lock:
            latencies.extend(mine)

    started = clock.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = clock.monotonic() - started
    if not latencies:
        return 0.0, float("nan"), errors[0]
    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000 if len(latencies) > 1 else latencies[0] * 1000
    return len(latencies) / elapsed, p95, errors[0]


def serve_and_load(url: str, token: str, args: argparse.Namespace) -> None:
    import tempfile

    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "bench_dashboard_server.py").write_text(SERVER_MODULE)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "false",
            "PYTHONPATH": f"{folder}{os.pathsep}{ROOT}",
        }
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(ROOT),
            "--log-level",
            "warning",
            "--env",
            "DJANGO_SETTINGS_MODULE=config.settings",
            "bench_dashboard_server:application",
        ]
        server = subprocess.Popen(command, env=env)  # our own gunicorn, fixed arguments
        try:
            wait_for(port)
            for path in ("/bench/constant/", "/api/v1/dashboard/"):
                load(port, path, token, seconds=1, threads=2)  # warm both workers
                rps, p95, errors = load(port, path, token, seconds=args.seconds, threads=args.threads)
                print(f"http {path:<22} {rps:8.1f} req/s   p95 {p95:7.1f} ms   errors {errors}", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    ratio = float("nan")
    recreate_database(url)
    try:
        setup_django(url)
        from django.utils import timezone

        now = timezone.now()
        counselor, token = fill(now)
        api, rows = api_figures(counselor, now), floor(counselor, now)
        check_same(api, rows)
        print(f"{len(api)} dashboard rows; the floor's figures equal the API's", flush=True)
        api_s, floor_s = timed([lambda: api_figures(counselor, now), lambda: floor(counselor, now)], args.runs)
        api_ms, floor_ms = api_s * 1000, floor_s * 1000
        ratio = api_ms / floor_ms
        print(f"dashboard (selector + serializer) median {api_ms:7.1f} ms over {args.runs} runs")
        print(f"floor (one SQL statement)         median {floor_ms:7.1f} ms over {args.runs} runs")
        from django.db import connections

        connections.close_all()
        serve_and_load(url, token, args)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            recreate_database(url, drop_only=True)
    print(f"ratio={ratio:.2f} target={TARGET}")


if __name__ == "__main__":
    main()
