#!/usr/bin/env python3
"""The restore drill: prove a backup restores into a working portal.

    DATABASE_URL=postgres://... .venv/bin/python scripts/restore_drill.py [DUMP]

With DUMP (a file scripts/backup.py wrote, its manifest beside it) it
restores that; without, it first takes a fresh backup of DATABASE_URL into a
temporary folder. Then, on the same PostgreSQL server:
  1. creates a new, empty database and pg_restores the dump into it;
  2. migrates it (a dump older than the code gets the newer migrations);
  3. checks every table holds exactly the rows the manifest counted;
  4. boots the portal on it (Django set up against the restored database)
     and asks /readyz and the login page, which must both answer 200;
  5. drops the drill database (--keep leaves it for a look).
Prints what it did and how long each step took; exits non-zero if any check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from backup import dump_with_counts, table_counts  # noqa: E402

BOOT_CHECK = """
import django
django.setup()
from django.conf import settings
from django.test import Client
host = next((h for h in settings.ALLOWED_HOSTS if h not in ("*",) and not h.startswith(".")), "localhost")
client = Client()
for path in ("/readyz", "/accounts/login/"):
    status = client.get(path, secure=True, HTTP_HOST=host).status_code
    print(path, status)
    assert status == 200, f"{path} answered {status}"
"""


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def step(name: str, started: float) -> None:
    print(f"  {name}: {time.monotonic() - started:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dump", nargs="?", type=Path)
    parser.add_argument("--keep", action="store_true", help="leave the drill database in place")
    args = parser.parse_args()
    source = os.environ.get("DATABASE_URL", "")
    if not source.startswith("postgres"):
        print("Set DATABASE_URL to the portal's PostgreSQL database (the drill restores beside it).", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="restore-drill-") as tmp:
        started = time.monotonic()
        if args.dump is None:
            dump = Path(tmp) / "portal-now.dump"
            expected = dump_with_counts(source, dump)
            step(f"backup of the live database ({dump.stat().st_size} bytes)", started)
        else:
            dump = args.dump
            expected = json.loads(dump.with_suffix(".json").read_text())["tables"]

        drill_name = f"portal_restore_drill_{os.getpid()}"
        admin = with_database(source, "postgres")
        drill_url = with_database(source, drill_name)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(drill_name)))
        failures: list[str] = []
        try:
            started = time.monotonic()
            restore = ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={drill_url}", str(dump)]
            subprocess.run(restore, check=True)  # noqa: S603 (our own arguments)
            step("pg_restore into a new database", started)

            env = {"DJANGO_SETTINGS_MODULE": "config.settings", **os.environ, "DATABASE_URL": drill_url}
            env["PYTHONPATH"] = str(ROOT)
            started = time.monotonic()
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity=0"], cwd=ROOT, env=env, check=True
            )
            step("migrate", started)

            with psycopg.connect(drill_url) as conn:
                restored = table_counts(conn)
            for table, rows in sorted(expected.items()):
                if restored.get(table) != rows:
                    failures.append(f"{table}: {rows} rows backed up, {restored.get(table)} restored")
            print(f"  counts: {len(expected)} tables, {sum(expected.values())} rows, {len(failures)} differ")

            started = time.monotonic()
            booted = subprocess.run(  # noqa: S603 (our own Python and script)
                [sys.executable, "-c", BOOT_CHECK], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
            )
            for line in booted.stdout.splitlines():
                print(f"  {line}")
            if booted.returncode != 0:
                failures.append(f"the portal did not boot on the restored database: {booted.stderr.strip()[-500:]}")
            step("boot check (/readyz, login page)", started)
        finally:
            if not args.keep:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(drill_name)))
    if failures:
        print("RESTORE DRILL FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("Restore drill passed: the backup restores whole and the portal boots on it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
