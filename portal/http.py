"""The typed request of a page: login is required by default
(PortalLoginRequiredMiddleware), so a view that is not marked
``login_not_required`` is always called with a signed-in ``User``."""

from __future__ import annotations

from django.http import HttpRequest

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
