"""A request id on every log line of a request and of the tasks it queued,
and one access line per request.

The id lives in a context variable: RequestIdMiddleware sets it for a web
request, the Celery signal receivers below carry it in a task's message
headers and set it again in the worker while the task runs, and
RequestIdFilter copies it onto each log record. Imported while logging is
configured (settings.LOGGING names the filter), so it imports nothing that
needs the app registry.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy or client may choose as the id; anything else (too long, other
# characters, a log-injection attempt) is replaced by one of ours.
ACCEPTED_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
# The task message header that carries the id from web to worker.
TASK_HEADER = "portal_request_id"

current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("portal_request_id", default=None)

access_log = logging.getLogger("portal.access")
task_log = logging.getLogger("portal.tasks")


def accepted_request_id(value: object) -> str | None:
    """``value`` if it may serve as a request id, else None."""
    if isinstance(value, str) and ACCEPTED_REQUEST_ID.fullmatch(value):
        return value
    return None


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or None) on every record as
    ``request_id``: the JSON formatter writes it when there is one, the text
    format shows it in brackets."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id.get()
        return True


def _user_id(request: HttpRequest) -> int | None:
    """Who made the request, by id only (never an e-mail or a name). The
    user was loaded already: NoStoreForLoggedInMiddleware asks for it on
    every request that got past the security middleware."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return user.pk


def _forget_request_id(**kwargs: Any) -> None:
    current_request_id.set(None)


class RequestIdMiddleware:
    """First in MIDDLEWARE: gives the request its id (the caller's
    X-Request-ID when it is well formed, else a new one), answers with it in
    X-Request-ID, and writes one access line at INFO on ``portal.access``:
    method, path without its query string, status, duration_ms, user_id.

    The id is forgotten when the server closes the response
    (request_finished), not on the way out of here: Django writes its
    "Not Found" and other 4xx lines after the last middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        from django.core.signals import request_finished

        self.get_response = get_response
        request_finished.connect(_forget_request_id, dispatch_uid="portal.request_id.forget")

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = accepted_request_id(request.META.get("HTTP_X_REQUEST_ID")) or uuid.uuid4().hex
        current_request_id.set(request_id)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    # request.path never includes the query string.
                    "path": request.path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": _user_id(request),
                },
            )


# Celery signal receivers, connected in config/celery.py.

_running_tasks: dict[str, tuple[contextvars.Token[str | None], float]] = {}


def _is_eager(task: Any) -> bool:
    return bool(getattr(getattr(task, "request", None), "is_eager", False))


def put_request_id_in_task_headers(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """before_task_publish: a task queued while a request is served carries
    that request's id."""
    request_id = current_request_id.get()
    if request_id is not None and headers is not None:
        headers[TASK_HEADER] = request_id


def task_started(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    """task_prerun in a worker: the task's log lines carry the id of the
    request that queued it (none for beat's tasks). An eager task runs inside
    its caller, whose id is already set."""
    if task_id is None or task is None or _is_eager(task):
        return
    request_id = accepted_request_id(getattr(task.request, TASK_HEADER, None))
    _running_tasks[task_id] = (current_request_id.set(request_id), time.perf_counter())


def task_finished(task_id: str | None = None, task: Any = None, state: str | None = None, **kwargs: Any) -> None:
    """task_postrun: one line for the task run (name, id, state, duration),
    then the worker forgets the id."""
    if task_id is None or task_id not in _running_tasks:
        return
    token, started = _running_tasks.pop(task_id)
    try:
        task_log.info(
            "task",
            extra={
                "task": getattr(task, "name", None),
                "task_id": task_id,
                "state": state,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
    finally:
        current_request_id.reset(token)
