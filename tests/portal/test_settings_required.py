"""Start-up refuses a missing SECRET_KEY or PORTAL_BASE_URL outside development
on loopback; scripts/_common.sh's demo_env keeps one random key in .env."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_VARIABLES = set(
    re.findall(r'env\.[a-z_]+\(\s*"([A-Z][A-Z0-9_]*)"', (ROOT / "config" / "settings.py").read_text())
)
PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SECRET_KEY); print(s.PORTAL_BASE_URL)"
)

# Each test starts Python (and Django) in a subprocess.
pytestmark = pytest.mark.slow


def start(tmp_path, **variables):
    """Load the settings with only these variables (no .env: the copy's directory has none)."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES | {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", PYTHONPATH=str(ROOT), PORTAL_ENV_FILE=str(tmp_path / ".env"))
    env.update(variables)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    done = start(tmp_path, DEBUG="false", ALLOWED_HOSTS="portal.example.org", PORTAL_BASE_URL="https://p.example.org")
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr


def test_debug_on_a_public_host_without_a_secret_key_refuses_to_start(tmp_path):
    done = start(tmp_path, DEBUG="true", ALLOWED_HOSTS="portal.example.org")
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr


def test_development_on_loopback_starts_with_a_key_of_its_own(tmp_path):
    done = start(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "dev-only-insecure-key" not in done.stdout


def test_production_without_a_base_url_refuses_to_start(tmp_path):
    done = start(tmp_path, DEBUG="false", ALLOWED_HOSTS="portal.example.org", SECRET_KEY="k" * 20 + "x" * 40)
    assert done.returncode != 0
    assert "PORTAL_BASE_URL" in done.stderr


def test_the_demo_keeps_one_random_key_in_env_and_links_to_its_port(tmp_path):
    script = f'cd {tmp_path} && . {ROOT}/scripts/_common.sh && PORT=8123 demo_env && echo "$PORTAL_BASE_URL"'
    first = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    key = (tmp_path / ".env").read_text()
    second = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    assert first.stdout.strip() == second.stdout.strip() == "http://localhost:8123"
    assert re.search(r"^SECRET_KEY=\S{50,}$", key, re.MULTILINE)
    assert (tmp_path / ".env").read_text() == key
