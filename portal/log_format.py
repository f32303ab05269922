"""One JSON object a line (LOG_FORMAT=json, production's default), for a log
shipper to read without parsing text. python-json-logger does the encoding;
this decides what a line holds and what it never holds."""

from __future__ import annotations

from typing import Any

from pythonjsonlogger.json import JsonFormatter

# Extras that other libraries attach to their records and that must not be
# written out whole: Celery's task trace puts a task's arguments and return
# value in ``data`` (a rendered e-mail, with its reset link, is an argument),
# Django's request loggers put the request in ``request`` (its repr carries
# the query string). Their message text is kept.
WITHHELD_EXTRAS = frozenset({"data", "request"})
FIRST_FIELDS = ("time", "level", "logger", "message", "request_id")


class PortalJsonFormatter(JsonFormatter):
    """time (UTC, ISO 8601), level, logger, message, request_id when there is
    one, then the record's extras (the access line's method, path, status,
    duration_ms, user_id)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(["levelname", "name", "message"], *args, **kwargs)

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        for key in WITHHELD_EXTRAS:
            log_data.pop(key, None)
        if log_data.get("request_id") is None:
            log_data.pop("request_id", None)
        ordered = {key: log_data.pop(key) for key in FIRST_FIELDS if key in log_data}
        ordered.update(log_data)
        return ordered
