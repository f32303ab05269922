"""Shared API pieces: the one exception handler, and the typed request user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
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


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id in a request body, looked up only among what the caller may see
    (``scope(user)``): an id outside it gets exactly the error a missing id
    gets ("Invalid pk ... object does not exist"), so a guess learns nothing.
    ``queryset`` names the model (for the schema); the serializer needs the
    request in its context (``context={"request": request}``)."""

    def __init__(self, *, scope: Callable[[User], QuerySet[Any]], **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        user = getattr(self.context.get("request"), "user", None)
        if not isinstance(user, User):
            base = cast(QuerySet[Any], super().get_queryset())  # the model's, given at construction
            return base.none()  # no caller, no scope: every id reads as missing
        return self.scope(user)


class PortalPagination(PageNumberPagination):
    """Pages by number, and only by number: ``?page=last`` or ``?page=two``
    is the 404 of a page that is not there (DRF took "last"; an empty value
    meant the first page)."""

    last_page_strings = ()

    def get_page_number(self, request: Request, paginator: Any) -> str:
        number = request.query_params.get(self.page_query_param)
        if number is None:
            return "1"
        if not number.isdigit():
            raise NotFound(gettext("Invalid page."))
        return number
