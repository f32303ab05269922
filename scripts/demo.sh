#!/usr/bin/env bash
# Quick start #1: run the portal with a demo practice on this machine.
#
# Needs only Python 3.11. With no environment variables the portal uses a
# SQLite file (db.sqlite3) and an embedded Celery broker under var/celery;
# set DATABASE_URL, CELERY_BROKER_URL, ... to use real services instead.
# Starts a Celery worker (with beat) in the background and the web server in
# the foreground; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/_common.sh
. scripts/_common.sh

PORT="${PORT:-8000}"
demo_env
ensure_venv requirements.txt
PY=.venv/bin/python
mkdir -p var/log

log "Migrating the database"
"$PY" manage.py migrate --noinput
log "Collecting static files"
"$PY" manage.py collectstatic --noinput -v 0
log "Loading the demo practice"
logins="$("$PY" manage.py load_demo)"  # printed below, once the server is up

# Each background job gets its own process group, so that a Ctrl-C reaches
# only this script, which then stops them in order, and so that whatever
# outlives that can be killed as a group.
set -m
worker_pid="" web_pid=""
stop() {
    trap - EXIT INT TERM
    local pid
    # The worker's main process stops its pool and beat (a warm shutdown); the
    # dev server's reloader stops its child.
    for pid in $web_pid $worker_pid; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for _ in $(seq 1 75); do
        { kill -0 "$web_pid" || kill -0 "$worker_pid"; } 2>/dev/null || break
        sleep 0.2
    done
    for pid in $web_pid $worker_pid; do
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    log "Stopped the web server and the Celery worker."
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "Starting the Celery worker with beat (log: var/log/celery.log)"
.venv/bin/celery -A config worker -B --loglevel=INFO >>var/log/celery.log 2>&1 </dev/null &
worker_pid=$!

log "Starting the web server on port $PORT"
"$PY" manage.py runserver "0.0.0.0:$PORT" </dev/null &
web_pid=$!

# Print the banner once the server answers, so it is not lost in its log.
for _ in $(seq 1 100); do
    kill -0 "$web_pid" 2>/dev/null || die "The web server exited; see the messages above."
    if "$PY" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" \
        "http://127.0.0.1:$PORT/accounts/login/" 2>/dev/null; then
        break
    fi
    sleep 0.3
done
cat <<BANNER

  The portal is running at  http://localhost:$PORT/
  API docs:                 http://localhost:$PORT/api/docs/
  Celery worker log:        var/log/celery.log

$logins

  Press Ctrl-C to stop.

BANNER

# Wait for whichever stops first; the EXIT trap then stops the other.
wait -n "$web_pid" "$worker_pid" || true
kill -0 "$worker_pid" 2>/dev/null || log "The Celery worker stopped; see var/log/celery.log."
