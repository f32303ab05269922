"""The backup and the restore drill (scripts/backup.py, scripts/restore_drill.py)
run for real against the test database: a dump with its row counts, restored
into a new database, migrated, counted and booted."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.processes import ROOT

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def run(script: str, *args: str) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return subprocess.run(
        [sys.executable, f"scripts/{script}", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def backup(tmp_path, personas):
    done = run("backup.py", str(tmp_path))
    assert done.returncode == 0, done.stderr
    (dump,) = tmp_path.glob("portal-*.dump")
    return dump


def test_the_manifest_counts_the_rows_of_the_dumped_snapshot(backup, couple):
    tables = json.loads(backup.with_suffix(".json").read_text())["tables"]
    assert tables["accounts_couple"] == 2  # the personas' two couples
    assert tables["django_migrations"] > 0


def test_a_backup_restores_whole_and_the_portal_boots_on_it(backup):
    done = run("restore_drill.py", str(backup))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Restore drill passed" in done.stdout
    assert "0 differ" in done.stdout


def test_the_drill_fails_when_a_table_lost_rows(backup):
    manifest = backup.with_suffix(".json")
    data = json.loads(manifest.read_text())
    data["tables"]["accounts_couple"] += 1
    manifest.write_text(json.dumps(data))
    done = run("restore_drill.py", str(backup))
    assert done.returncode == 1
    assert "accounts_couple: 3 rows backed up, 2 restored" in done.stdout


def test_the_drill_leaves_no_database_behind(backup):
    run("restore_drill.py", str(backup))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname LIKE 'portal_restore_drill_%%'")
        assert cursor.fetchone()[0] == 0
