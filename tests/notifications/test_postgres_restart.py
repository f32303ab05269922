"""PostgreSQL restarted under a running worker: the worker reconnects by
itself and goes on, and every reminder still arrives.

The machine's PostgreSQL serves other test runs, so this test restarts a
server of its own: a throwaway cluster (initdb, as the postgres user) on a
free port, migrated, seeded and swept there by beat through the worker. It
is stopped and removed at the end, whatever happens."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.processes import ROOT, expected_ids, free_port, process_env, running_beats, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


class OwnPostgres:
    """A PostgreSQL cluster of this test's own, run as the postgres user."""

    def __init__(self) -> None:
        assert PG_BIN, "PostgreSQL's server programs are not installed (/usr/lib/postgresql/*/bin)"
        assert os.geteuid() == 0, "starting a PostgreSQL cluster as the postgres user needs root (runuser)"
        self.bin = Path(PG_BIN[-1])
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.admin_url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/portal_restart"

    def _as_postgres(self, *args: str) -> None:
        # No pipes: a server started by pg_ctl keeps its parent's output open.
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )

    def _pg_ctl(self, *args: str) -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"), "-w", *args)

    def start(self) -> None:
        self._as_postgres(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self._pg_ctl("-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off", "start")
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE portal_restart")

    def restart(self) -> None:
        """A fast restart: every session is ended, then the server comes back."""
        self._pg_ctl("-m", "fast", "restart")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    def count(self, sql: str) -> int:
        with psycopg.connect(self.url, connect_timeout=3) as conn:
            row = conn.execute(sql).fetchone()
        assert row is not None
        return int(row[0])


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    server = OwnPostgres()
    try:
        server.start()
        yield server
    finally:
        server.stop()


def run_django(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=300
    )
    return done.stdout


SEED = """
import django; django.setup()
from django.utils import timezone
from accounts.models import Role, User
from exercises.models import ExerciseTemplate
from tests.notifications import bulk
counselor, _ = User.objects.get_or_create(
    email="restart@example.test", defaults={"full_name": "Dana", "role": Role.COUNSELOR}
)
template = ExerciseTemplate.objects.filter(owner__isnull=True).order_by("pk").first()
ids = bulk.due_reminders(couples=%d, per_partner=2, counselor=counselor, template=template, now=timezone.now())
print(",".join(map(str, ids)))
"""


def test_the_worker_reconnects_after_a_postgresql_restart_and_goes_on(smtp, start_worker, own_postgres):
    sink, server = smtp
    env = {**process_env(server.port), "DATABASE_URL": own_postgres.url}
    run_django(env, "manage.py", "migrate", "--verbosity=0")
    ids = [int(pk) for pk in run_django(env, "-c", SEED % 150).strip().split(",")]
    worker = start_worker(database_url=own_postgres.url)
    with running_beats(env):
        wait_until(lambda: sink.count() >= 30, timeout=60, what="the first messages")
        own_postgres.restart()  # under the running worker, mid-delivery
        at_restart = sink.count()
        assert at_restart < len(ids), "everything went before the restart; make the test bigger"

        def settled(wanted: list[int]) -> bool:
            listed = ",".join(map(str, wanted))
            with contextlib.suppress(psycopg.OperationalError):  # the server may still be starting
                return (
                    own_postgres.count(
                        "SELECT count(*) FROM notifications_reminder"
                        f" WHERE id IN ({listed}) AND state IN ('pending', 'sending')"
                    )
                    == 0
                )
            return False

        wait_until(lambda: settled(ids), timeout=90, what="every reminder to be sent after the restart", step=1)
        counts = Counter(sink.message_ids)
        assert set(counts) == set(expected_ids(ids))  # 0 missing
        twice = [mid for mid, n in counts.items() if n > 1]
        # Only what was in flight when the sessions died: one per pool process.
        assert len(twice) <= 2 and all(counts[mid] == 2 for mid in twice)
        listed = ",".join(map(str, ids))
        in_app = own_postgres.count(
            f"SELECT count(*) FROM notifications_inappnotification WHERE reminder_id IN ({listed})"
        )
        assert in_app == len(ids)  # exactly once

        # The same worker, never restarted, goes on with new work.
        assert worker.poll() is None
        more = [int(pk) for pk in run_django(env, "-c", SEED % 5).strip().split(",")]
        wait_until(lambda: settled(more), timeout=60, what="new reminders after the restart", step=1)
        assert Counter(m for m in sink.message_ids if m in expected_ids(more)) == expected_ids(more)
        assert worker.poll() is None
        print(f"\nrestarted after {at_restart} messages; {len(twice)} delivered twice (same Message-ID)")
