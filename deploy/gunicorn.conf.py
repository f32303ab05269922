"""gunicorn's configuration for the web role:

    gunicorn -c deploy/gunicorn.conf.py config.wsgi

Everything a host may change comes from its environment (deploy/env/web.env);
the cluster test (scripts/cluster_test.sh) runs its web hosts with this file.

Sync workers: each serves one request at a time, and HAProxy in front
(deploy/haproxy.cfg) queues the rest (maxconn per server = WEB_CONCURRENCY),
so a slow page on one host never holds a request that another host could
take. A sync worker closes the connection after each response, so HAProxy
never sends a request over a connection a dead host left open.
"""

import multiprocessing
import os
from typing import Any


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


bind = [os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")]
# Processes per host: PostgreSQL connections (through PgBouncer) and memory
# grow with it; 2-4 per core is gunicorn's advice for sync workers.
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
# Django and the apps are imported once, before the fork: faster starts and
# shared memory. Nothing opens a database or Redis connection at import time.
preload_app = True
# A request still running after this long is stuck (every outside call has a
# shorter timeout of its own): its worker is killed and replaced.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM (a deploy, a host going down) workers finish the requests they
# hold for up to this long. HAProxy stops sending new ones as soon as /readyz
# fails or the port closes.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 25)
keepalive = 5
# Workers are replaced now and then, so slow growth of memory never adds up.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# The heartbeat file on a memory file system: a slow disk must not look like a stuck worker.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (gunicorn's advice)
# Trusted for X-Forwarded-Proto/-For at gunicorn's level: the load balancers,
# the same addresses as the portal's TRUSTED_PROXIES.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or os.environ.get("TRUSTED_PROXIES", "127.0.0.1")
# The portal logs each request itself (one JSON object per line, with the
# request id), so gunicorn's access log is off unless a path is given.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn's control socket defaults to one path per user (~/.gunicorn); two
# servers on one machine (or one home directory) would share it. Off unless a
# host names its own.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
proc_name = os.environ.get("GUNICORN_PROC_NAME", "portal-web")


# Metrics from every worker (portal/metrics.py): with PROMETHEUS_MULTIPROC_DIR
# set (a directory of its own per host, e.g. /run/portal/metrics), each worker
# writes its counters there and /metrics adds them up. Emptied when gunicorn
# starts, and a dead worker's gauges are dropped, so a restart never counts twice.
def on_starting(server: object) -> None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if name.endswith(".db"):
                os.unlink(os.path.join(folder, name))
    # gunicorn runs no system checks: refuse to start when the encryption keys
    # open nothing stored (portal/checks.py; a wrong or missing key). The
    # master's database connection is closed before the workers fork.
    import django

    django.setup()
    from portal.checks import verify_at_start

    verify_at_start()


def child_exit(server: object, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
