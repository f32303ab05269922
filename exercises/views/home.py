"""A partner's home (/me/): their couple, and what is due this week, overdue
and done. It lives with exercises because exercises are most of what it
shows; accounts, the foundation every app builds on, knows nothing of them."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import CoupleStatus
from exercises.selectors import partner_home
from portal import policy
from portal.http import AuthenticatedHttpRequest


def client_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not policy.has_client_home(user):
        raise Http404
    couple = (
        policy.couples_visible_to(user)
        .filter(status__in=[CoupleStatus.ACTIVE, CoupleStatus.PAUSED])
        .select_related("exercise_settings")  # high-conflict or not, read below without a query of its own
        .first()
    )
    partner = couple.partner_of(user) if couple else None
    exercises = partner_home(user, now=timezone.now())
    high_conflict = couple is not None and policy.is_high_conflict(couple)
    for occurrence in exercises.done:
        # "Both done" tells that the other partner answered: only where the
        # reveal rules let a partner know of their answer at all.
        assignment = occurrence.assignment
        occurrence.both_done = occurrence.completed_at is not None and policy.partners_share_answers(  # type: ignore[attr-defined]
            visibility=assignment.visibility, high_conflict=high_conflict, is_joint=assignment.is_joint
        )
    context = {"couple": couple, "partner": partner, "exercises": exercises}
    return render(request, "exercises/client_home.html", context)
