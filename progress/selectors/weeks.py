"""Weeks in a couple's time zone, and each partner's completion per week."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q

from accounts.models import Couple, User
from exercises.models import Occurrence, Response, ResponseState

WEEKS = 12


def week_starts(now: datetime, time_zone: str, weeks: int = WEEKS) -> list[datetime]:
    """The starts (local Monday 00:00, as aware datetimes) of the last ``weeks``
    weeks, the current one last, followed by the start of next week."""
    zone = ZoneInfo(time_zone)
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    days = [monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks + 1)]
    return [datetime(d.year, d.month, d.day, tzinfo=zone) for d in days]


@dataclass(frozen=True)
class WeekFigure:
    due: int
    done: int

    @property
    def rate(self) -> int | None:
        """Percent done, or None for a week in which nothing was due."""
        return None if self.due == 0 else round(100 * self.done / self.due)


@dataclass(frozen=True)
class CompletionWeek:
    start: date
    by_partner: dict[int, WeekFigure]


def _done_by(partner: Any) -> Exists:
    """The partner's own answer, or the couple's joint one, is submitted."""
    return Exists(
        Response.objects.filter(occurrence=OuterRef("pk"), state=ResponseState.SUBMITTED).filter(
            Q(author=partner) | Q(author__isnull=True)
        )
    )


def completion_by_week(couple: Couple, partners: list[User], *, now: datetime) -> list[CompletionWeek]:
    """Per week (last WEEKS, in the couple's time zone) and partner: how many
    occurrences were due (up to now) and how many the partner submitted."""
    starts = week_starts(now, couple.time_zone)
    annotations = {f"done_{p.pk}": _done_by(p.pk) for p in partners}
    rows = (
        Occurrence.objects.filter(assignment__couple=couple, due_at__gte=starts[0], due_at__lt=now)
        .annotate(**annotations)
        .values("due_at", *annotations)
    )
    counts = [{p.pk: [0, 0] for p in partners} for _ in range(WEEKS)]
    for row in rows:
        week = bisect.bisect_right(starts, row["due_at"]) - 1
        for p in partners:
            counts[week][p.pk][0] += 1
            counts[week][p.pk][1] += int(row[f"done_{p.pk}"])
    return [
        CompletionWeek(
            start=starts[i].date(),
            by_partner={pk: WeekFigure(due=due, done=done) for pk, (due, done) in counts[i].items()},
        )
        for i in range(WEEKS)
    ]
