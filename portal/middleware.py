from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponseBase
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
