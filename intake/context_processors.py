"""``intake_todo`` for templates: the signed-in partner's unfinished part of
their intake packet (a PartnerProgress), or None. Lazy: worked out only by a
template that shows it (the partner's home), so other pages pay nothing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from intake import selectors
from portal import policy


def _todo(request: HttpRequest) -> Any:
    user = request.user
    if not user.is_authenticated or not policy.can_sign_documents(user):
        return None
    progress = selectors.packet_progress_for_partner(user)
    if progress is None or progress.partners[0].status == selectors.PartnerStatus.COMPLETE:
        return None
    return progress.partners[0]


def before_first_session(request: HttpRequest) -> dict[str, Any]:
    return {"intake_todo": SimpleLazyObject(lambda: _todo(request))}
