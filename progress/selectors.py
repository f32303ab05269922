"""Read side of progress: a couple's figures and the counselor's caseload dashboard.

Both are computed with a fixed number of queries whatever the size of the
caseload or the history (the dashboard: one statement with correlated
subqueries per figure). Who sees what:

- a couple's progress: the caseload's counselors, and the couple's partners,
  each partner seeing the other's scores only where the reveal rules let them
  read the answer behind it (exercises.selectors.responses_visible_to), and
  only their own completion; practice admins get 404;
- the dashboard: counselors, for their caseload.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import Couple, CoupleStatus, Role, User
from accounts.policy import can_see_exercise_content, couple_for
from exercises import selectors as exercise_selectors
from exercises.models import (
    Assignment,
    AssignmentStatus,
    Occurrence,
    Response,
    ResponseState,
    TemplateKind,
    Visibility,
)
from exercises.policy import is_high_conflict
from progress.models import Measure, MeasureScore
from scheduling.models import Appointment, AppointmentStatus

WEEKS = 12
DASHBOARD_DAYS = 28
INACTIVE_DAYS = 14


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def measures_visible_to(user: User) -> QuerySet[Measure]:
    """Built-ins and the counselor's own; nobody else chooses measures."""
    if not _active(user) or user.role != Role.COUNSELOR:
        return Measure.objects.none()
    return Measure.objects.filter(Q(owner__isnull=True) | Q(owner=user)).order_by("title", "pk")


def scores_visible_to(user: User) -> QuerySet[MeasureScore]:
    """A score is as private as the answer it was computed from."""
    return MeasureScore.objects.filter(response__in=exercise_selectors.responses_visible_to(user).values("pk"))


def progress_couple_for(user: User, couple_id: Any) -> Couple:
    """The couple, if the user may see its progress (its counselors and partners), else 404."""
    couple = couple_for(user, couple_id)
    if not can_see_exercise_content(user, couple):
        raise Http404("No such couple.")
    return couple


# --- Weeks ------------------------------------------------------------------------------------


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


# --- Scores ----------------------------------------------------------------------------------


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


# --- Timeline ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEvent:
    when: datetime
    kind: str  # submitted, reviewed, comment, appointment
    text: str
    occurrence_id: int | None = None


TIMELINE_LIMIT = 40


def timeline(couple: Couple, viewer: User, *, since: datetime) -> list[TimelineEvent]:
    """Submissions, reviews, comments and attended appointments since
    ``since``, newest first, as far as the viewer may see them (three queries)."""
    responses = (
        exercise_selectors.responses_visible_to(viewer)
        .filter(occurrence__assignment__couple=couple, state=ResponseState.SUBMITTED)
        .filter(Q(submitted_at__gte=since) | Q(reviewed_at__gte=since))
        .defer("answers")
    )
    events: list[TimelineEvent] = []
    for response in responses:
        title = response.occurrence.assignment.template.title
        who = response.author.full_name if response.author else "The couple"
        assert response.submitted_at is not None
        if response.submitted_at >= since:
            events.append(
                TimelineEvent(response.submitted_at, "submitted", f"{who} submitted “{title}”", response.occurrence_id)
            )
        if response.reviewed_at and response.reviewed_at >= since:
            reviewer = response.reviewed_by.full_name if response.reviewed_by else "The counselor"
            whose = f"{who}'s" if response.author else "the couple's"
            events.append(
                TimelineEvent(
                    response.reviewed_at, "reviewed", f"{reviewer} reviewed {whose} “{title}”", response.occurrence_id
                )
            )
    comments = (
        exercise_selectors.comments_visible_to(viewer)
        .filter(occurrence__assignment__couple=couple, created_at__gte=since)
        .select_related("occurrence__assignment__template")
    )
    for comment in comments:
        title = comment.occurrence.assignment.template.title
        events.append(
            TimelineEvent(
                comment.created_at,
                "comment",
                f"{comment.author.full_name} commented on “{title}”",
                comment.occurrence_id,
            )
        )
    appointments = Appointment.objects.filter(
        couple=couple, status=AppointmentStatus.COMPLETED, start__gte=since
    ).select_related("counselor")
    for appointment in appointments:
        events.append(
            TimelineEvent(
                appointment.start,
                "appointment",
                f"{appointment.get_kind_display()} with {appointment.counselor.full_name} (attended)",
            )
        )
    events.sort(key=lambda event: event.when, reverse=True)
    return events[:TIMELINE_LIMIT]


# --- Rituals -----------------------------------------------------------------------------------


def rituals_for(couple: Couple, viewer: User, *, now: datetime) -> list[tuple[Assignment, Any]]:
    """The couple's rituals (practice exercises) with their streaks, as
    exercises.selectors.ritual_summaries gives them. A partner sees only the
    rituals whose logs are shared between them (as on their practice page)."""
    assignments = list(
        Assignment.objects.filter(couple=couple, template__kind=TemplateKind.PRACTICE)
        .select_related("template", "couple")
        .order_by("template__title", "pk")
    )
    if viewer.role == Role.CLIENT:
        high_conflict = is_high_conflict(couple)
        assignments = [
            a for a in assignments if a.is_joint or (a.visibility != Visibility.COUNSELOR_ONLY and not high_conflict)
        ]
    summaries = exercise_selectors.ritual_summaries(
        assignments, now=now, viewer=None if viewer.role == Role.COUNSELOR else viewer
    )
    return [(a, summaries[a.pk]) for a in assignments if a.pk in summaries]


# --- A couple's progress ---------------------------------------------------------------------------


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

    def partner_name(self, partner_id: int) -> str:
        return next((p.full_name for p in self.couple.partners if p.pk == partner_id), "")


def couple_progress(couple: Couple, viewer: User, *, now: datetime) -> CoupleProgress:
    partners = list(couple.partners) if viewer.role == Role.COUNSELOR else [viewer]
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


# --- The caseload dashboard ------------------------------------------------------------------------


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """COUNT(*) of a correlated subquery, 0 when empty."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _latest_score(partner: str) -> QuerySet[MeasureScore]:
    return MeasureScore.objects.filter(couple=OuterRef("pk"), partner=OuterRef(partner)).order_by(
        "-submitted_at", "-pk"
    )


def _previous_score(prefix: str, partner: str) -> Subquery:
    """The partner's score on the same measure just before the latest one."""
    earlier = MeasureScore.objects.filter(
        couple=OuterRef("pk"), partner=OuterRef(partner), measure=OuterRef(f"{prefix}_measure")
    ).exclude(pk=OuterRef(f"{prefix}_score_id"))
    return Subquery(earlier.order_by("-submitted_at", "-pk").values("score")[:1])


# What a dashboard row shows of a couple and its partners (not whole user rows).
DASHBOARD_COLUMNS = (
    "status",
    "started_on",
    "time_zone",
    "partner_one__full_name",
    "partner_one__email",
    "partner_two__full_name",
    "partner_two__email",
)


def dashboard_queryset(counselor: User, *, now: datetime) -> QuerySet[Couple]:
    """The counselor's caseload, each couple annotated with every dashboard figure."""
    caseload = Couple.objects.filter(Q(primary_counselor=counselor) | Q(other_counselors=counselor)).values("pk")
    since = now - timedelta(days=DASHBOARD_DAYS)
    recent = Occurrence.objects.filter(assignment__couple=OuterRef("pk"), due_at__gte=since, due_at__lt=now)
    couples = (
        Couple.objects.filter(pk__in=caseload)
        .select_related("partner_one", "partner_two")
        .only(*DASHBOARD_COLUMNS)
        .annotate(
            due_4w=_count(recent),
            p1_done_4w=_count(recent.filter(_done_by(OuterRef(OuterRef("partner_one"))))),
            p2_done_4w=_count(recent.filter(_done_by(OuterRef(OuterRef("partner_two"))))),
            overdue=_count(
                Occurrence.objects.filter(
                    assignment__couple=OuterRef("pk"),
                    assignment__status=AssignmentStatus.ACTIVE,
                    due_at__lt=now,
                    completed_at__isnull=True,
                )
            ),
            waiting=_count(
                Response.objects.filter(
                    occurrence__assignment__couple=OuterRef("pk"),
                    state=ResponseState.SUBMITTED,
                    reviewed_at__isnull=True,
                )
            ),
            last_activity=Subquery(
                Response.objects.filter(occurrence__assignment__couple=OuterRef("pk"), state=ResponseState.SUBMITTED)
                .order_by("-submitted_at")
                .values("submitted_at")[:1]
            ),
            next_appointment=Subquery(
                Appointment.objects.filter(couple=OuterRef("pk"), start__gte=now, status=AppointmentStatus.CONFIRMED)
                .order_by("start")
                .values("start")[:1]
            ),
        )
    )
    for prefix, partner in (("p1", "partner_one"), ("p2", "partner_two")):
        latest = _latest_score(partner)
        couples = couples.annotate(
            **{
                f"{prefix}_score_id": Subquery(latest.values("pk")[:1]),
                f"{prefix}_measure": Subquery(latest.values("measure_id")[:1]),
                f"{prefix}_score": Subquery(latest.values("score")[:1]),
            }
        ).annotate(**{f"{prefix}_previous": _previous_score(prefix, partner)})
    return couples


@dataclass(frozen=True)
class PartnerFigures:
    partner: User
    done_4w: int
    rate_4w: int | None  # None: nothing was due
    score: Decimal | None
    change: Decimal | None


class Reason:
    WAITING = 1
    OVERDUE = 2
    FALLING = 3
    INACTIVE = 4
    NONE = 5


@dataclass(frozen=True)
class DashboardRow:
    couple: Couple
    next_appointment: datetime | None
    due_4w: int
    partners: list[PartnerFigures]
    overdue: int
    waiting: int
    last_activity: datetime | None
    days_since_activity: int | None
    reasons: list[str]
    rank: int

    @property
    def needs_attention(self) -> bool:
        return self.rank < Reason.NONE


def _rate(done: int, due: int) -> int | None:
    return None if due == 0 else round(100 * done / due)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _row(couple: Any, now: datetime) -> DashboardRow:
    partners = []
    for prefix, person in (("p1", couple.partner_one), ("p2", couple.partner_two)):
        score, previous = getattr(couple, f"{prefix}_score"), getattr(couple, f"{prefix}_previous")
        done = getattr(couple, f"{prefix}_done_4w")
        partners.append(
            PartnerFigures(
                partner=person,
                done_4w=done,
                rate_4w=_rate(done, couple.due_4w),
                score=score,
                change=None if score is None or previous is None else score - previous,
            )
        )
    days = (now - couple.last_activity).days if couple.last_activity else None
    reasons: list[tuple[int, str]] = []
    if couple.waiting:
        reasons.append((Reason.WAITING, _plural(couple.waiting, "submission") + " waiting for review"))
    if couple.overdue:
        reasons.append((Reason.OVERDUE, _plural(couple.overdue, "exercise") + " overdue"))
    for figures in partners:
        if figures.change is not None and figures.change < 0:
            reasons.append((Reason.FALLING, f"{figures.partner.full_name}'s score fell by {-figures.change}"))
    if days is not None and days >= INACTIVE_DAYS:
        reasons.append((Reason.INACTIVE, f"No activity for {days} days"))
    elif (
        days is None and couple.status == CoupleStatus.ACTIVE and (now.date() - couple.started_on).days >= INACTIVE_DAYS
    ):
        reasons.append((Reason.INACTIVE, "No activity yet"))
    return DashboardRow(
        couple=couple,
        next_appointment=couple.next_appointment,
        due_4w=couple.due_4w,
        partners=partners,
        overdue=couple.overdue,
        waiting=couple.waiting,
        last_activity=couple.last_activity,
        days_since_activity=days,
        reasons=[text for _, text in reasons],
        rank=min((rank for rank, _ in reasons), default=Reason.NONE),
    )


STATUS_FILTERS = [("open", "Active and paused"), *CoupleStatus.choices, ("all", "All")]


def dashboard(
    counselor: User, *, now: datetime, status: str = "open", query: str = "", attention_only: bool = False
) -> list[DashboardRow]:
    """One row per couple of the caseload, those needing attention first
    (waiting reviews, then overdue work, a falling score, no activity for
    INACTIVE_DAYS days), in one query whatever the caseload's size."""
    if not _active(counselor) or counselor.role != Role.COUNSELOR:
        return []
    couples = dashboard_queryset(counselor, now=now)
    if status == "open":
        couples = couples.filter(status__in=[CoupleStatus.ACTIVE, CoupleStatus.PAUSED])
    elif status in CoupleStatus.values:
        couples = couples.filter(status=status)
    query = query.strip()
    if query:
        couples = couples.filter(
            Q(partner_one__full_name__icontains=query) | Q(partner_two__full_name__icontains=query)
        )
    rows = [_row(couple, now) for couple in couples]
    if attention_only:
        rows = [row for row in rows if row.needs_attention]
    rows.sort(key=lambda r: (r.rank, -r.waiting, -r.overdue, r.couple.partner_one.full_name, r.couple.pk))
    return rows


def dashboard_row(counselor: User, couple: Couple, *, now: datetime) -> DashboardRow | None:
    """The dashboard's row for one couple of the counselor's caseload."""
    if not _active(counselor) or counselor.role != Role.COUNSELOR:
        return None
    annotated = dashboard_queryset(counselor, now=now).filter(pk=couple.pk).first()
    return _row(annotated, now) if annotated is not None else None
