"""The site's root: a visitor gets the practice's front door; a logged-in user
lands on their own home page (portal.policy.home_url_name)."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from accounts.models import User
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
