"""What a request gets when Django itself answers with an error (no view
ran, or a view failed): JSON under /api/, as every API error is, and the
portal's own pages elsewhere (templates/404.html, 403.html, 500.html,
503.html). Wired in config/urls.py (handler404, handler403, handler500) and
CSRF_FAILURE_VIEW.

A database that cannot be reached is not a bug: the request answers 503
with Retry-After and a calm page, rendered without touching the database
(no session, no user, no context processors that query)."""

from __future__ import annotations

import sys

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": gettext("You do not have permission to perform this action.")}, status=403)
    return defaults.permission_denied(request, exception)


# Seconds a client is asked to wait after a 503: a PgBouncer or PostgreSQL
# restart is over within a few.
RETRY_AFTER_SECONDS = 10


def database_unavailable() -> bool:
    """True while handling an exception raised because the database could
    not be reached or dropped the connection (handler500 runs inside the
    except block that caught it)."""
    exc = sys.exc_info()[1]
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _page(template: str, status: int) -> HttpResponse:
    """A page rendered from the settings alone: no request context, so
    nothing here can fail for the reason the request did."""
    context = {"practice_name": settings.PRACTICE_NAME, "practice_phone": settings.PRACTICE_PHONE}
    return HttpResponse(render_to_string(template, context), status=status)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    # Whatever runs after this (middleware on the way out, the access log)
    # sees an anonymous user instead of asking the database again: each
    # attempt would wait out another connect timeout.
    request.user = AnonymousUser()
    if _is_api(request):
        response: HttpResponse = JsonResponse(
            {"detail": gettext("The service is briefly unavailable. Please try again in a moment.")}, status=503
        )
    else:
        response = _page("503.html", 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    if database_unavailable():
        return service_unavailable(request)
    if _is_api(request):
        return JsonResponse(
            {"detail": gettext("Something went wrong on our side. Please try again in a moment.")}, status=500
        )
    return _page("500.html", 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"detail": gettext("CSRF check failed: send the form's token, or use an API token.")}, status=403
        )
    return django_csrf_failure(request, reason)
