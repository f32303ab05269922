"""Measures a counselor may choose, and the scores a viewer may see, as series per measure and partner."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet

from accounts.models import Couple, User
from exercises import selectors as exercise_selectors
from portal import policy
from progress.models import Measure, MeasureScore


def measures_visible_to(user: User) -> QuerySet[Measure]:
    """Built-ins and the counselor's own; nobody else chooses measures."""
    if not policy.can_write_measures(user):
        return Measure.objects.none()
    return Measure.objects.filter(Q(owner__isnull=True) | Q(owner=user)).order_by("title", "pk")


def scores_visible_to(user: User) -> QuerySet[MeasureScore]:
    """A score is as private as the answer it was computed from."""
    return MeasureScore.objects.filter(response__in=exercise_selectors.responses_visible_to(user).values("pk"))


@dataclass(frozen=True)
class ScorePoint:
    when: datetime
    score: Decimal
    band: str


@dataclass
class MeasureSeries:
    measure: Measure
    by_partner: dict[int, list[ScorePoint]] = field(default_factory=dict)

    def latest(self, partner_id: int) -> ScorePoint | None:
        points = self.by_partner.get(partner_id) or []
        return points[-1] if points else None

    def change(self, partner_id: int) -> Decimal | None:
        points = self.by_partner.get(partner_id) or []
        return points[-1].score - points[-2].score if len(points) >= 2 else None


def score_series(couple: Couple, viewer: User) -> list[MeasureSeries]:
    """Each measure the couple took, with each partner's visible scores in time order."""
    scores = (
        scores_visible_to(viewer)
        .filter(couple=couple)
        .select_related("measure")
        .order_by("measure__title", "measure_id", "submitted_at", "pk")
    )
    series: dict[int, MeasureSeries] = {}
    for row in scores:
        entry = series.setdefault(row.measure_id, MeasureSeries(measure=row.measure))
        entry.by_partner.setdefault(row.partner_id, []).append(ScorePoint(row.submitted_at, row.score, row.band))
    return list(series.values())
