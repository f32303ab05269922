"""How a service's refusal reaches a person, written once.

Services raise Django's ``ValidationError`` (bad input: 400 or a form
error naming the field), ``PermissionDenied`` (the object is visible, the
action is not: 403), ``Http404`` (outside the caller's scope) or a
``ServiceConflict`` (the world changed under the request: 409). The API maps
them in ``portal.api.exception_handler``; pages call ``submit_form``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError

T = TypeVar("T")


class ServiceConflict(Exception):
    """The request was valid but the state it relied on has changed (a time
    taken meanwhile): 409 on the API, a form error on a page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def api_body(self) -> dict[str, Any]:
        """The 409 body; subclasses add what the client needs to choose again."""
        return {"detail": self.message}


def error_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
    return {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}


def add_errors_to_form(form: forms.BaseForm, exc: ValidationError) -> None:
    for field, messages in error_dict(exc).items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


def submit_form(form: forms.BaseForm, call: Callable[[], T]) -> T | None:
    """Run a page's service call: its result, or None with the refusal shown
    on the form (field errors for a ValidationError, a form-wide error for a
    conflict). PermissionDenied and Http404 go on to Django's 403 and 404."""
    try:
        return call()
    except ValidationError as exc:
        add_errors_to_form(form, exc)
    except ServiceConflict as exc:
        form.add_error(None, exc.message)
    return None


def violated_constraint(exc: IntegrityError) -> str | None:
    """The name of the constraint an IntegrityError broke, as PostgreSQL
    reports it (None on SQLite, which names no constraint), so callers match
    a name rather than a message's wording."""
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def require(allowed: bool, message: str) -> None:
    """A service's permission guard: PermissionDenied (403) with a message for the person."""
    if not allowed:
        raise PermissionDenied(message)
