#!/usr/bin/env bash
# Quick start #2: set up and run the whole test suite.
#
# Uses PostgreSQL and Redis on 127.0.0.1 unless DATABASE_URL, CELERY_BROKER_URL
# or CACHE_URL say otherwise, and Debian's Chromium for the browser tests.
# Extra arguments go to pytest, e.g. ./scripts/test.sh -k login -x
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/_common.sh
. scripts/_common.sh

ensure_venv requirements-dev.txt
ensure_chromium
ensure_lighthouse

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}"
export CACHE_URL="${CACHE_URL:-redis://127.0.0.1:6379/1}"
.venv/bin/python scripts/check_services.py || die "A service the tests need is not running (see above)."

# Screenshots from the browser tests land here (gitignored).
mkdir -p test-artifacts/screenshots
log "Running pytest"
exec .venv/bin/pytest "$@"
