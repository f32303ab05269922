"""The portal runs with no environment variables: SQLite and the embedded Celery broker.

Runs scripts/smoke_embedded.py (also run by .ci/run): in a temporary copy of
the tree, with every settings variable removed, it migrates, serves the login
page from the dev server, and has a real Celery worker run `portal.ping`.
"""

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "smoke_embedded.py"


# Runs manage.py or the embedded stack in a subprocess.
pytestmark = pytest.mark.slow


def test_the_defaults_need_no_services_migrate_serve_and_run_a_task():
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "login form: ok" in done.stdout
    assert "worker ran portal.ping" in done.stdout
