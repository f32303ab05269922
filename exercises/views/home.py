"""A partner's home (/me/): their couple, and what is due this week, overdue
and done. It lives with exercises because exercises are most of what it
shows; accounts, the foundation every app builds on, knows nothing of them."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import Couple, CoupleStatus, User
from exercises.models import Occurrence
from exercises.selectors import partner_done, partner_home
from portal import policy
from portal.http import AuthenticatedHttpRequest
from portal.paging import page_of

DONE_PAGE_SIZE = 20


def _current_couple(user: User) -> Couple | None:
    return (
        policy.couples_visible_to(user)
        .filter(status__in=[CoupleStatus.ACTIVE, CoupleStatus.PAUSED])
        .select_related("exercise_settings")  # high-conflict or not, read below without a query of its own
        .first()
    )


def _mark_both_done(occurrences: Sequence[Occurrence], couple: Couple | None) -> None:
    high_conflict = couple is not None and policy.is_high_conflict(couple)
    for occurrence in occurrences:
        # "Both done" tells that the other partner answered: only where the
        # reveal rules let a partner know of their answer at all.
        assignment = occurrence.assignment
        occurrence.both_done = occurrence.completed_at is not None and policy.partners_share_answers(  # type: ignore[attr-defined]
            visibility=assignment.visibility, high_conflict=high_conflict, is_joint=assignment.is_joint
        )


def client_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not policy.has_client_home(user):
        raise Http404
    couple = _current_couple(user)
    partner = couple.partner_of(user) if couple else None
    exercises = partner_home(user, now=timezone.now())
    _mark_both_done(exercises.done, couple)
    context = {"couple": couple, "partner": partner, "exercises": exercises}
    return render(request, "exercises/client_home.html", context)


def client_done(request: AuthenticatedHttpRequest) -> HttpResponse:
    """All the partner's done exercises, latest due first, a page at a time."""
    user = request.user
    if not policy.has_client_home(user):
        raise Http404
    couple = _current_couple(user)
    page = page_of(partner_done(user), request.GET, size=DONE_PAGE_SIZE)
    _mark_both_done(page.items, couple)
    return render(request, "exercises/client_done.html", {"page": page})
