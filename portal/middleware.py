from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.views import APIView


class PortalLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Django's login-required-by-default, except for API views: DRF's own
    authentication answers those with 401/403 instead of a redirect to the
    login page (DEFAULT_PERMISSION_CLASSES requires authentication)."""

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class NoStoreForLoggedInMiddleware:
    """Cache-Control: no-store on every response to someone logged in (by
    session or by API token). Answers, comments and progress reach many pages
    and API responses; one rule for all of them leaves none forgotten, so no
    browser or proxy keeps a copy of clinical content on disk."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # Who it was before the view ran (logging out ends the session) and
        # after (DRF authenticates API tokens inside the view).
        logged_in_before = request.user.is_authenticated
        response = self.get_response(request)
        if logged_in_before or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


NUL = "\x00"
NUL_MESSAGE = _("This contains a NUL character (\\0), which is not text we can store. Please remove it.")


def _field_with_nul(request: HttpRequest) -> str | None:
    """The name of the first query parameter, form field or JSON body
    carrying a NUL, or None."""
    sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    for source in sources:
        for name, values in source.lists():
            if NUL in name or any(NUL in value for value in values):
                return name
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH") and not content_type.startswith(("multipart/", "application/x-www")):
        body = request.body
        if b"\x00" in body or b"\\u0000" in body.lower():
            return "body"
    return None


REPEATED_MESSAGE = _("Give this parameter once.")


def _repeated_parameter(request: HttpRequest) -> str | None:
    """A query parameter given twice (?page=1&page=2): the API's parameters
    are single values, and Django would quietly keep the last one."""
    for name, values in request.GET.lists():
        if len(values) > 1:
            return name
    return None


class RefuseNulMiddleware:
    """NUL rejected everywhere: PostgreSQL cannot store it in text (JSON
    included) and psycopg raises on it, which would be a 500. Checked once
    here for every query string, form and body, so no form, filter or
    hand-parsed parameter has to remember; answered 400 naming the field.
    On the API, a query parameter given twice is refused the same way."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path.startswith("/api/"):
            repeated = _repeated_parameter(request)
            if repeated is not None:
                return JsonResponse({repeated: [str(REPEATED_MESSAGE)]}, status=400)
        field = _field_with_nul(request)
        if field is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({field.replace(NUL, ""): [str(NUL_MESSAGE)]}, status=400)
        text = gettext("%(message)s (field: %(field)s)") % {"message": NUL_MESSAGE, "field": field.replace(NUL, "")}
        return HttpResponse(text, status=400, content_type="text/plain")
