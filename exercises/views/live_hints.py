"""Live "I" statement hints: the rules of exercises.hints, as JSON for the
answer page while a partner types."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from exercises.hints import blame_hints
from portal.http import AuthenticatedHttpRequest

HINT_TEXT_LIMIT = 10000


@never_cache
@require_http_methods(["GET", "POST"])
def hints(request: AuthenticatedHttpRequest) -> JsonResponse:
    """The hints of exercises.hints for a text, as JSON, for the page to show
    while a partner types (static/js/hints.js): the rules stay in one place.
    The page POSTs, so that what a partner writes stays out of URLs and logs;
    GET ?text= is accepted too. Nothing is stored."""
    text = (request.POST if request.method == "POST" else request.GET).get("text", "")[:HINT_TEXT_LIMIT]
    found = blame_hints(text)
    return JsonResponse({"hints": [{"code": h.code, "phrase": h.phrase, "message": h.message} for h in found]})
