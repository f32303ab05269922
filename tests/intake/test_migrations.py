"""The intake migrations apply and unapply on SQLite (the embedded default),
where the PostgreSQL triggers are left out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Runs manage.py in a subprocess.
pytestmark = pytest.mark.slow


def test_the_intake_migrations_apply_and_unapply_on_sqlite(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
        )

    for step in (("migrate",), ("migrate", "intake", "zero"), ("migrate",)):
        result = manage(*step)
        assert result.returncode == 0, result.stderr
