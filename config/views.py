"""The site's root: each user lands on their own home page (portal.policy.home_url_name)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect

from portal import policy
from portal.http import AuthenticatedHttpRequest


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return redirect(policy.home_url_name(request.user))
