#!/usr/bin/env bash
# Smoke test of the defaults (SQLite + embedded Celery broker, no variables):
# migrate, serve the login page, run a Celery task. See smoke_embedded.py.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/_common.sh
. scripts/_common.sh

ensure_venv requirements.txt
exec .venv/bin/python scripts/smoke_embedded.py "$@"
