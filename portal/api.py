"""Shared API pieces: the one exception handler, and the typed request user."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.models import User
from portal.errors import ServiceConflict, error_dict


def _as_drf_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    errors = error_dict(exc)
    if NON_FIELD_ERRORS in errors:
        errors["non_field_errors"] = errors.pop(NON_FIELD_ERRORS)
    return exceptions.ValidationError(errors)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Services' errors, mapped once for every endpoint: ValidationError is a
    400 naming the field, ServiceConflict a 409 with its body; DRF already
    answers Django's PermissionDenied with 403 and Http404 with 404."""
    if isinstance(exc, ServiceConflict):
        return Response(exc.api_body(), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = _as_drf_error(exc)
    return drf_exception_handler(exc, context)


def request_user(request: Request) -> User:
    """The signed-in user of an API request. Every endpoint requires
    authentication (DEFAULT_PERMISSION_CLASSES), so the user is never
    anonymous by the time a view's code runs."""
    user = request.user
    assert isinstance(user, User)
    return user
