"""For templates: ``intake_todo``, the signed-in partner's unfinished part of
their intake packet (a PartnerProgress) or None, and
``documents_to_sign_again``, the documents they must sign again in a new
version. Lazy: worked out only by a template that shows them (the partner's
home), so other pages pay nothing."""

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


def _to_sign_again(request: HttpRequest) -> Any:
    """Documents the partner signed in an earlier version and must sign again
    (a version published with must_resign): asked at their next visit."""
    user = request.user
    if not user.is_authenticated or not policy.can_sign_documents(user):
        return []
    return [needed for needed in selectors.signatures_needed_for(user) if needed.resign]


def before_first_session(request: HttpRequest) -> dict[str, Any]:
    return {
        "intake_todo": SimpleLazyObject(lambda: _todo(request)),
        "documents_to_sign_again": SimpleLazyObject(lambda: _to_sign_again(request)),
    }
