from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class PortalAccountAdapter(DefaultAccountAdapter):
    """Accounts are created by invitation only; nobody signs themselves up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Leave counting failed logins to django-axes alone (see AXES_* in
        settings). allauth's own limiter lives in the cache: it would refuse
        first, with a form error instead of the lockout page (429), and before
        authenticate() runs, so axes would not see the attempt; and its
        read-then-write counter can miss parallel attempts."""
        return None
