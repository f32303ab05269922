from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from portal import policy


def practice(request: HttpRequest) -> dict[str, Any]:
    return {"practice_name": settings.PRACTICE_NAME, "practice_phone": settings.PRACTICE_PHONE}


def safety(request: HttpRequest) -> dict[str, Any]:
    """``in_safety_mode`` for templates/base.html (the quick-exit button, no
    practice name): lazy, so a page that never asks costs nothing; no query
    for anyone but a client, one for a client (kept on request.user)."""
    user = getattr(request, "user", None)
    return {
        "in_safety_mode": SimpleLazyObject(lambda: user is not None and policy.in_safety_mode(user)),
        "safety_exit_url": settings.SAFETY_EXIT_URL,
    }
