"""Demo history for measures: each active demo couple has taken the built-in
emotional intimacy check every two weeks, so the progress chart has a line
per partner and the dashboard has a score change to show."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.models import Couple, CoupleStatus
from exercises import services as exercise_services
from exercises.models import Assignment
from progress import services
from progress.builtin import EMOTIONAL_INTIMACY
from progress.models import Measure

HISTORY = timedelta(weeks=6)
# Each partner's answers per round (1-5 agreement; "mutuality" is reversed, so
# a falling number there is a better score). One partner warms up faster.
ROUNDS = [
    (
        {"trust": 3, "knowledge": 2, "mutuality": 4, "commitment": 4, "caring": 3, "interdependence": 2},
        {"trust": 2, "knowledge": 3, "mutuality": 4, "commitment": 3, "caring": 3, "interdependence": 3},
    ),
    (
        {"trust": 3, "knowledge": 3, "mutuality": 3, "commitment": 4, "caring": 4, "interdependence": 3},
        {"trust": 3, "knowledge": 3, "mutuality": 4, "commitment": 4, "caring": 3, "interdependence": 3},
    ),
    (
        {"trust": 4, "knowledge": 3, "mutuality": 2, "commitment": 5, "caring": 4, "interdependence": 4},
        {"trust": 3, "knowledge": 3, "mutuality": 3, "commitment": 4, "caring": 4, "interdependence": 3},
    ),
]


@transaction.atomic
def demo_measures_load(*, couples: Iterable[Couple], now: datetime) -> None:
    """Give each active couple three rounds of the check; a couple that already
    has it assigned is left as it is, so running this again changes nothing."""
    measure = Measure.objects.get(slug=EMOTIONAL_INTIMACY, owner__isnull=True)
    for couple in couples:
        if couple.status != CoupleStatus.ACTIVE:
            continue
        if Assignment.objects.filter(couple=couple, template__measure_link__measure=measure).exists():
            continue
        start = now - HISTORY
        assignment = services.measure_assign(
            counselor=couple.primary_counselor,
            couple=couple,
            measure=measure,
            starts_on=timezone.localtime(start, ZoneInfo(couple.time_zone)).date(),
            due_time=time(20, 0),
            rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=SU",
            note="Two minutes, every other Sunday: answer on your own.",
            now=start,
        )
        exercise_services.occurrences_generate(assignment=assignment, until=now + exercise_services.OCCURRENCE_WINDOW)
        past = [o for o in assignment.occurrences.order_by("due_at") if o.due_at <= now]
        for occurrence, answers in zip(past, ROUNDS[-len(past) :] if past else [], strict=False):
            for partner, given in zip(couple.partners, answers, strict=True):
                exercise_services.response_submit(
                    occurrence=occurrence, user=partner, answers=given, now=occurrence.due_at - timedelta(hours=3)
                )
