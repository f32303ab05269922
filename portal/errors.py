"""Turning a service's ValidationError into field errors for forms and the API."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError


def error_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
    return {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}


def add_errors_to_form(form: forms.Form, exc: ValidationError) -> None:
    for field, messages in error_dict(exc).items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


def require(allowed: bool, message: str) -> None:
    """A service's permission guard: PermissionDenied (403) with a message for the person."""
    if not allowed:
        raise PermissionDenied(message)
