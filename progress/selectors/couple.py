"""A couple's progress, all of it for one page: scores, weekly completion, rituals and timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import Http404

from accounts.models import Couple, User
from exercises.models import Assignment
from portal import policy
from progress.selectors.rituals import rituals_for
from progress.selectors.scores import MeasureSeries, score_series
from progress.selectors.timeline import TimelineEvent, timeline
from progress.selectors.weeks import CompletionWeek, completion_by_week, week_starts


def progress_couple_for(user: User, couple_id: Any) -> Couple:
    """The couple, if the user may see its progress (its counselors and partners), else 404."""
    couple = policy.couple_for(user, couple_id)
    if not policy.can_see_exercise_content(user, couple):
        raise Http404("No such couple.")
    return couple


@dataclass
class CoupleProgress:
    couple: Couple
    partners: list[User]  # whose completion the viewer sees
    series: list[MeasureSeries]
    weeks: list[CompletionWeek]
    rituals: list[tuple[Assignment, Any]]
    timeline: list[TimelineEvent]
    since: datetime
    now: datetime


def couple_progress(couple: Couple, viewer: User, *, now: datetime) -> CoupleProgress:
    partners = list(couple.partners) if policy.follows_both_partners(viewer) else [viewer]
    since = week_starts(now, couple.time_zone)[0]
    return CoupleProgress(
        couple=couple,
        partners=partners,
        series=score_series(couple, viewer),
        weeks=completion_by_week(couple, partners, now=now),
        rituals=rituals_for(couple, viewer, now=now),
        timeline=timeline(couple, viewer, since=since),
        since=since,
        now=now,
    )
