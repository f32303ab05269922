from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers
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
