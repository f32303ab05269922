"""A couple's rituals (practice exercises) with their streaks, as the viewer may see them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accounts.models import Couple, User
from exercises import selectors as exercise_selectors
from exercises.models import Assignment, TemplateKind, Visibility
from portal import policy


def rituals_for(couple: Couple, viewer: User, *, now: datetime) -> list[tuple[Assignment, Any]]:
    """The couple's rituals (practice exercises) with their streaks, as
    exercises.selectors.ritual_summaries gives them. A partner sees only the
    rituals whose logs are shared between them (as on their practice page)."""
    assignments = list(
        Assignment.objects.filter(couple=couple, template__kind=TemplateKind.PRACTICE)
        .select_related("template", "couple")
        .order_by("template__title", "pk")
    )
    if policy.sees_progress_as_partner(viewer):
        high_conflict = policy.is_high_conflict(couple)
        assignments = [
            a for a in assignments if a.is_joint or (a.visibility != Visibility.COUNSELOR_ONLY and not high_conflict)
        ]
    summaries = exercise_selectors.ritual_summaries(
        assignments, now=now, viewer=None if policy.follows_both_partners(viewer) else viewer
    )
    return [(a, summaries[a.pk]) for a in assignments if a.pk in summaries]
