"""The site's root: a visitor gets the practice's front door; a logged-in user
lands on their own home page (portal.policy.home_url_name)."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.services import user_set_language
from portal import policy
from scheduling.forms import DirectoryFilterForm


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    """Public: the practice's home for visitors (what it offers couples, finding a
    counselor, asking for an appointment); everyone logged in goes to their own home."""
    if request.user.is_authenticated:
        return redirect(policy.home_url_name(cast(User, request.user)))
    return render(request, "public/home.html", {"find_form": DirectoryFilterForm(auto_id="find_%s")})


@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links; send them to the icon."""
    return redirect(static("favicon.svg"), permanent=True)


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The footer's language switch. A logged-in person's choice is kept on
    their account (e-mails and reminders follow it); a visitor's in a cookie."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(gettext("Choose English or Spanish."))
    next_url = request.POST.get("next", "")
    same_site = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if not same_site:
        next_url = "/"
    if request.user.is_authenticated:
        user_set_language(user=cast(User, request.user), language=language)
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite="Lax",  # sent when a link from elsewhere opens the portal
        httponly=True,
    )
    return response


@login_not_required
def language_help(request: HttpRequest) -> HttpResponse:
    """Public: free language help and how to ask for it (US rules for health
    programmes ask that patients be told it exists), in both languages."""
    return render(request, "public/language_help.html")


@login_not_required
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """Public: what the portal conforms to, its known limits, how to report a barrier."""
    return render(request, "public/accessibility.html")
