"""For templates: ``next_appointment``, the signed-in partner's next
appointment (requested or confirmed, to come) or None. The partner's home
lives in exercises, which comes before scheduling and so cannot ask for it;
it is offered here, lazily: only a template that shows it (the partner's
home) pays its query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from portal import policy
from scheduling import selectors


def _next(request: HttpRequest) -> Any:
    user = request.user
    if not user.is_authenticated or not policy.has_client_home(user):
        return None
    return selectors.next_appointment_of(user, now=timezone.now())


def next_appointment(request: HttpRequest) -> dict[str, Any]:
    return {"next_appointment": SimpleLazyObject(lambda: _next(request))}
