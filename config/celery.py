import gc
import os
from typing import Any

from celery import Celery
from celery.signals import (
    before_task_publish,
    setup_logging,
    task_postrun,
    task_prerun,
    worker_init,
    worker_process_init,
)

from config import broker
from portal import request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
broker.register()  # before any connection to the broker (config/broker.py says why)

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A task's log lines carry the id of the web request that queued it.
before_task_publish.connect(request_id.put_request_id_in_task_headers, dispatch_uid="portal.request_id.publish")
task_prerun.connect(request_id.task_started, dispatch_uid="portal.request_id.task_started")
task_postrun.connect(request_id.task_finished, dispatch_uid="portal.request_id.task_finished")


@setup_logging.connect
def _log_as_django_does(**kwargs: Any) -> None:
    """With a receiver here Celery leaves logging alone: workers and beat
    log as settings.LOGGING says (LOG_FORMAT, LOG_LEVEL; --loglevel is not
    read), the same JSON lines as the web processes."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@task_prerun.connect
@task_postrun.connect
def _tidy_database_connections(task: Any = None, **kwargs: Any) -> None:
    """Around each task, what Django does around each request: keep the
    connection for CONN_MAX_AGE, drop it if it failed and no longer answers
    (so a worker reconnects after a PostgreSQL restart). Not for eager tasks,
    which run inside their caller's transaction."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


@worker_init.connect
def _refuse_keys_that_open_nothing(**kwargs: Any) -> None:
    """A worker runs no system checks: like gunicorn (deploy/gunicorn.conf.py)
    it refuses to start when the encryption keys open nothing stored
    (portal/checks.py), before it takes a task that would read or write
    clinical content under them."""
    import django
    from django.core.exceptions import ImproperlyConfigured

    django.setup()
    from portal.checks import verify_at_start

    try:
        verify_at_start()
    except ImproperlyConfigured as error:
        raise SystemExit(f"Refusing to start: {error}") from None


@worker_process_init.connect
def _freeze_startup_objects(**kwargs: Any) -> None:
    """What a worker process loaded at start (Django, Celery, the apps) lives
    as long as it does. Frozen, it is left out of the garbage collector's
    full collections, which a delivery batch's many short-lived objects set
    off and which otherwise walked all of it each time."""
    gc.freeze()


@app.task(name="portal.ping")
def ping() -> str:
    """A no-op round trip, to check that a worker takes tasks from the broker."""
    return "pong"
