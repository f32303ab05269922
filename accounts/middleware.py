from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.languages import language_for
from portal import policy

# Pages a counselor or admin without 2FA may still reach: their own account
# pages (to turn 2FA on, log out, change password), static files, the
# invitation link (clients only) and the API (policy.TwoFactorSatisfied
# guards it). Not the rest of /invitations/: re-sending is a staff action.
TWO_FACTOR_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/invitations/accept/", "/notifications/unsubscribe/", "/api/")


class TimezoneMiddleware:
    """Show times in the viewer's own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class LanguageMiddleware:
    """Write the pages in the person's own language (accounts.languages).

    Django's LocaleMiddleware, earlier, has already chosen for a visitor from
    the language cookie or the browser; a logged-in person's choice wins."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = language_for(user, request=request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language() or "en")
        return response


class RequireTwoFactorMiddleware:
    """Send staff without two-factor authentication to turn it on before any
    page with client data. (The API's side is policy.TwoFactorSatisfied.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(TWO_FACTOR_EXEMPT_PREFIXES) and policy.needs_two_factor(request.user):
            messages.warning(
                request,
                gettext(
                    "Counselors and practice admins must turn on two-factor authentication before seeing client data."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
