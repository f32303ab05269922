import gc
import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
