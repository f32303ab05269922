"""Settings for the real Celery worker the end-to-end tests start: the
portal's, with short leases and backoff so that recovery fits in a test.
DATABASE_URL, CELERY_BROKER_URL and EMAIL_URL come from the environment."""

import os
from datetime import timedelta

from config.settings import *  # noqa: F403

# Shared with the test process (it runs the sweep): see tests/plugins/processes.py.
# WORKER_LEASE_SECONDS: a test that must tell a retry from a lapsed lease
# makes the leases long.
_lease = timedelta(seconds=float(os.environ.get("WORKER_LEASE_SECONDS", "8")))
NOTIFICATIONS = {
    "DELIVERY_BATCH": 50,
    "DISPATCH_LEASE": _lease,
    "SEND_LEASE": _lease,
    "RENEW_EVERY": timedelta(seconds=2),
    "DATABASE_RETRY_DELAY": timedelta(seconds=0.5),
    "MAX_ATTEMPTS": 30,
    "RETRY_BASE": timedelta(seconds=0.5),
    "RETRY_CAP": timedelta(seconds=2),
}
EMAIL_TIMEOUT = 5
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
