"""Settings for the beat processes of the two-beats test: the worker's, with
the sweep every second instead of every minute."""

from tests.notifications.worker_settings import *  # noqa: F403

CELERY_BEAT_SCHEDULE = {"notifications-sweep": {"task": "notifications.sweep", "schedule": 1.0}}
