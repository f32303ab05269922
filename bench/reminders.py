"""Benchmark of the reminders machinery (run by hand, not part of the tests).

    .venv/bin/python bench/reminders.py [--reminders 100000] [--delivery 20000]

Needs PostgreSQL (BENCH_PG, default postgres://postgres@127.0.0.1:5432) and
redis-server on PATH. It creates (and drops first) its own database
``portal_bench``, starts its own redis-server and SMTP sink on free ports,
and prints two parts, each next to a floor measured in the same run:

1. The sweep (claim due rows with SKIP LOCKED in batches, mark them
   sending, hand them over after commit; the hand-over is counted, not
   published) over N due reminders, next to ONE raw ``UPDATE ... RETURNING``
   over the same rows. Ends with ``ratio=<sweep time / floor time> target=3``.
2. Delivery through two real Celery worker processes (a worker with
   --concurrency=2, Redis broker) to a local aiosmtpd sink, next to a plain
   smtplib loop sending the same messages over one connection. Floor and
   workers run in turns (loop, workers, loop, workers, loop), every round
   with the same work, and each side's best round counts. Ends with
   ``ratio=<worker rate / loop rate> target=0.5``.

Exits 0 whether or not the targets are met.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal.keys import development_key_file  # noqa: E402

DB_NAME = "portal_bench"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing listens on port {port}")


def cpu_seconds(name: str) -> dict[str, float]:
    """CPU seconds (user + system) used so far by the processes whose command
    line mentions ``name``: where the machine's two cores went."""
    total: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if name in cmdline:
            total[pid] = (int(fields[11]) + int(fields[12])) / tick
    return total


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all cores so far, from /proc/stat."""
    fields = [float(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


def cpu_used(before: dict[str, float], after: dict[str, float]) -> float:
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def fresh_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reminders", type=int, default=100_000, help="due reminders for the sweep (default 100,000)")
    parser.add_argument("--delivery", type=int, default=20_000, help="messages for the delivery part (default 20,000)")
    args = parser.parse_args()

    redis_port, smtp_port = free_port(), free_port()
    broker = f"redis://127.0.0.1:{redis_port}/0"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"{PG}/{DB_NAME}",
        CELERY_BROKER_URL=broker,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        LOG_LEVEL="WARNING",
        # As in production: cached templates, no query log.
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        # Clinical content is encrypted (docs/encryption.md): the development key, as the demo uses.
        FIELD_ENCRYPTION_KEYS=",".join(development_key_file(ROOT / "var" / "field-encryption-keys")),
        PORTAL_BASE_URL="http://localhost",  # required when DEBUG is off
        SECURE_SSL_REDIRECT="false",
        CACHE_URL="locmemcache://bench",
        # Database sessions that outlive a round: the CPU time of one that
        # ends (reconnected after CONN_MAX_AGE) is no longer counted.
        CONN_MAX_AGE="3600",
    )
    children: list[subprocess.Popen] = []
    try:
        children.append(
            subprocess.Popen(
                [
                    shutil.which("redis-server") or "redis-server",
                    "--port",
                    str(redis_port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=subprocess.DEVNULL,
            )
        )
        children.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "aiosmtpd",
                    "-n",
                    "-c",
                    "aiosmtpd.handlers.Sink",
                    "-l",
                    f"127.0.0.1:{smtp_port}",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_for_port(redis_port)
        wait_for_port(smtp_port)
        fresh_database()
        run(args, children)
    finally:
        for child in reversed(children):
            if child.poll() is None:
                if "worker" in child.args:
                    os.killpg(child.pid, signal.SIGTERM)  # the worker and its pool processes
                else:
                    child.terminate()
                try:
                    child.wait(15)
                except subprocess.TimeoutExpired:
                    child.kill()
    sys.exit(0)


def run(args: argparse.Namespace, children: list[subprocess.Popen]) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Role, User
    from config.celery import app as celery_app
    from exercises.models import ExerciseTemplate
    from notifications import emails, selectors, services
    from notifications.models import InAppNotification, Reminder, ReminderState
    from portal import mail
    from tests.notifications import bulk

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    counselor = User.objects.create(
        email="bench-counselor@bench.test", full_name="Bench Counselor", role=Role.COUNSELOR
    )
    template = ExerciseTemplate.objects.filter(owner__isnull=True).first()
    assert template is not None, "the built-in templates are installed by the migrations"
    couples = max(args.reminders // 100, 1)
    print(f"creating {couples * 100:,} due reminders ...", flush=True)
    ids = bulk.due_reminders(
        couples=couples, per_partner=50, counselor=counselor, template=template, now=timezone.now()
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE notifications_reminder")
    print(f"  made in {time.monotonic() - started:.1f} s", flush=True)

    # --- Part 1: the sweep ----------------------------------------------------------------
    print(f"\n== Sweep: {len(ids):,} due reminders ==")
    table = Reminder._meta.db_table

    def reset() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET state = 'pending', lease_owner = '', lease_expires_at = NULL, attempts = 0"
            )
            cursor.execute(f"VACUUM ANALYZE {table}")

    handed: list[int] = []
    real_dispatch = services.reminders_dispatch
    services.reminders_dispatch = lambda *, reminder_ids: handed.extend(reminder_ids) or len(reminder_ids)  # type: ignore[assignment,func-returns-value]
    settings.NOTIFICATIONS = {"SWEEP_MAX_BATCHES": 100_000}
    sweep_times, floor_times = [], []
    for _ in range(2):
        reset()
        handed.clear()
        began = time.perf_counter()
        result = services.reminders_sweep()
        sweep_times.append(time.perf_counter() - began)
        assert len(result.claimed) == len(handed) == len(ids), (len(result.claimed), len(handed))
        reset()
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET state = 'sending', lease_owner = '',"
                " lease_expires_at = now() + interval '10 minutes', updated_at = now()"
                " WHERE state = 'pending' AND due_at <= now() RETURNING id"
            )
            returned = len(cursor.fetchall())
        floor_times.append(time.perf_counter() - began)
        assert returned == len(ids)
    services.reminders_dispatch = real_dispatch  # type: ignore[assignment]
    sweep, floor = min(sweep_times), min(floor_times)
    print(f"sweep (batches of {services.conf().sweep_batch}, SKIP LOCKED, hand-over counted): {sweep:.2f} s")
    print(f"floor (one UPDATE ... RETURNING over the same rows):        {floor:.2f} s")
    print(f"ratio={sweep / floor:.2f} target=3", flush=True)

    # --- Part 2: delivery ------------------------------------------------------------------
    n = min(args.delivery, len(ids))
    note = "" if n == len(ids) else f" (scaled from {len(ids):,} to keep the run short)"
    print(f"\n== Delivery: {n:,} messages{note} ==")
    chosen = ids[:n]
    inapp_table = InAppNotification._meta.db_table

    def reset_chosen() -> None:
        """The chosen reminders due and unsent, the rest out of the way, no
        in-app notice yet: every round does the same work."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET state = 'cancelled', lease_expires_at = NULL, lease_owner = '',"
                " sent_at = NULL, emailed = false WHERE state <> 'cancelled'"
            )
            cursor.execute(f"UPDATE {table} SET state = 'pending', attempts = 0 WHERE id = ANY(%s)", [chosen])
            cursor.execute(f"DELETE FROM {inapp_table}")
            cursor.execute(f"VACUUM ANALYZE {table}")
            cursor.execute(f"VACUUM ANALYZE {inapp_table}")

    print("rendering the same messages for the smtplib loop ...", flush=True)
    raw: list[tuple[str, list[str], bytes]] = []
    for start in range(0, n, 1000):
        for reminder in selectors.reminders_for_delivery(chosen[start : start + 1000]):
            message = emails.reminder_message(reminder)
            data = mail.compose(message)  # the bytes the workers' backend sends
            assert data is not None
            raw.append((message.from_email, message.recipients(), data))

    def smtplib_loop() -> float:
        began = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", int(settings.EMAIL_PORT)) as smtp:
            for sender, recipients, data in raw:
                smtp.sendmail(sender, recipients, data)
        return time.perf_counter() - began

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
            "--hostname=bench@%h",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children.append(worker)
    deadline = time.monotonic() + 60
    while not celery_app.control.ping(timeout=0.5):
        if time.monotonic() > deadline:
            raise SystemExit("the worker did not start")

    def through_workers() -> float:
        reset_chosen()
        watched = {"workers": "celery", "SMTP sink": "aiosmtpd", "PostgreSQL": "postgres:"}
        cpu_before = {label: cpu_seconds(name) for label, name in watched.items()}
        busy_before = machine_busy()
        began = time.perf_counter()
        # Every other reminder is cancelled, so the partial indexes answer
        # this at once; an id list of this size would cost the measured cores.
        pending = Reminder.objects.filter(state__in=[ReminderState.PENDING, ReminderState.SENDING])
        services.reminders_sweep()  # one sweep hands everything out, as beat would
        while pending.exists():
            time.sleep(0.2)
        seconds = time.perf_counter() - began
        used = {label: cpu_used(cpu_before[label], cpu_seconds(name)) for label, name in watched.items()}
        busy_after = machine_busy()
        busy = (busy_after[0] - busy_before[0]) / (busy_after[1] - busy_before[1])
        sent = Reminder.objects.filter(pk__in=chosen, state=ReminderState.SENT, emailed=True).count()
        notices = InAppNotification.objects.filter(reminder__in=chosen).count()
        assert sent == notices == n, (sent, notices, n)
        cpu = ", ".join(f"{label} {1000 * spent / n:.2f} ms" for label, spent in used.items())
        print(f"  workers: {n / seconds:,.0f} msg/s ({seconds:.1f} s); CPU per message: {cpu}; cores busy {busy:.0%}")
        return seconds

    # Rounds in turn, floor and workers, best of each (as for the sweep): the
    # machine's speed drifts within a run (shared cores), and a slow spell
    # should not fall on one side only.
    loop_seconds: list[float] = []
    worker_seconds: list[float] = []
    for _ in range(2):
        loop_seconds.append(smtplib_loop())
        print(f"  smtplib loop: {n / loop_seconds[-1]:,.0f} msg/s ({loop_seconds[-1]:.1f} s)", flush=True)
        worker_seconds.append(through_workers())
    loop_seconds.append(smtplib_loop())
    print(f"  smtplib loop: {n / loop_seconds[-1]:,.0f} msg/s ({loop_seconds[-1]:.1f} s)")
    worker_rate, loop_rate = n / min(worker_seconds), n / min(loop_seconds)
    print(f"2 worker processes (sweep, broker, render, send, record), best of 2: {worker_rate:,.0f} msg/s")
    print(f"floor (smtplib loop, one connection, pre-rendered), best of 3:     {loop_rate:,.0f} msg/s")
    print(f"ratio={worker_rate / loop_rate:.2f} target=0.5", flush=True)
    print(f"\ntotal {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
