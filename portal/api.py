"""Shared API pieces: service errors become 400s naming the field."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.errors import error_dict


def _as_drf_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    errors = error_dict(exc)
    if NON_FIELD_ERRORS in errors:
        errors["non_field_errors"] = errors.pop(NON_FIELD_ERRORS)
    return exceptions.ValidationError(errors)


@contextmanager
def service_errors() -> Iterator[None]:
    """Turn a service's ValidationError into DRF's 400."""
    try:
        yield
    except DjangoValidationError as exc:
        raise _as_drf_error(exc) from None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = _as_drf_error(exc)
    return drf_exception_handler(exc, context)
