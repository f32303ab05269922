"""Read side of progress: a couple's figures and the counselor's caseload dashboard.

Both are computed with a fixed number of queries whatever the size of the
caseload or the history (the dashboard: one statement, see dashboard_queryset). Who sees what:

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

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import BooleanField, Count, Exists, F, Func, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from accounts.models import Couple, CoupleStatus, Role, User
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
from portal.policy import can_see_exercise_content, couple_for, is_high_conflict
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


def _scores(couple: Any, partner: Any) -> QuerySet[MeasureScore]:
    """A partner's scores in a couple, newest first."""
    return MeasureScore.objects.filter(couple=couple, partner=partner).order_by("-submitted_at", "-pk")


def _latest_score(partner: str) -> Subquery:
    return Subquery(_scores(OuterRef("pk"), OuterRef(partner)).values("score")[:1])


def _previous_score(partner: str) -> Subquery:
    """The partner's score on the same measure as their latest one, just before
    it: the second newest score on that measure (the newest is the latest)."""
    latest_measure = _scores(OuterRef(OuterRef("pk")), OuterRef(OuterRef(partner))).values("measure")[:1]
    same_measure = _scores(OuterRef("pk"), OuterRef(partner)).filter(measure=Subquery(latest_measure))
    return Subquery(same_measure.values("score")[1:2])


def _full_name(partner: str) -> Subquery:
    return Subquery(User.objects.filter(pk=OuterRef(partner)).order_by().values("full_name"))


# The per-couple subqueries of a dashboard row that depend on no argument,
# built once (Django copies an expression when a query uses it).
_PER_COUPLE = {
    "p1_name": _full_name("partner_one"),
    "p2_name": _full_name("partner_two"),
    "p1_score": _latest_score("partner_one"),
    "p1_previous": _previous_score("partner_one"),
    "p2_score": _latest_score("partner_two"),
    "p2_previous": _previous_score("partner_two"),
}

# A couple's exercises, reached through its assignments: the columns the
# dashboard aggregates (named once, so that each figure's filter is short).
_OCCURRENCE = "exercise_assignments__occurrences"
_RESPONSE = f"{_OCCURRENCE}__responses"
_EXERCISE_COLUMNS = {
    "assignment_status": F("exercise_assignments__status"),
    "template_kind": F("exercise_assignments__template__kind"),
    "occurrence": F(_OCCURRENCE),
    "due_at": F(f"{_OCCURRENCE}__due_at"),
    "completed_at": F(f"{_OCCURRENCE}__completed_at"),
    "response": F(_RESPONSE),
    "response_state": F(f"{_RESPONSE}__state"),
    "response_author": F(f"{_RESPONSE}__author"),
    "submitted_at": F(f"{_RESPONSE}__submitted_at"),
    "reviewed_at": F(f"{_RESPONSE}__reviewed_at"),
}


class _AnyOf(Func):
    """``value = ANY(array)``, in PostgreSQL."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()


def _on_caseload(counselor: User) -> Q:
    """The counselor's couples: as their primary counselor or as another one.

    In PostgreSQL the other counselors' couples are an array, ``id =
    ANY(ARRAY(SELECT ...))``: the planner then expects a handful of them. Under
    an OR, ``id IN (SELECT ...)`` is guessed to match half of all couples, and
    for a practice with many counselors the dashboard's joins then scanned whole
    tables and crossed the JIT threshold (78 ms instead of 10 ms for 200
    couples among 6,200)."""
    others = Couple.other_counselors.through.objects.filter(user=counselor).values("couple")
    if connection.vendor == "postgresql":
        return Q(primary_counselor=counselor) | Q(_AnyOf(F("pk"), ArraySubquery(others)))
    return Q(primary_counselor=counselor) | Q(pk__in=others)


def dashboard_queryset(counselor: User, *, now: datetime) -> QuerySet[Couple, Any]:
    """The counselor's caseload, one named tuple per couple with every dashboard figure, in one statement.

    The figures on a couple's exercises are aggregates over its assignments,
    occurrences and answers, joined once and grouped by couple: a subquery
    per couple and figure would walk them again for each figure. The
    partners' names, latest and previous scores and the next appointment are
    subqueries per couple, each one or two index lookups."""
    recent = Q(due_at__gte=now - timedelta(days=DASHBOARD_DAYS), due_at__lt=now)
    submitted = Q(response_state=ResponseState.SUBMITTED)

    def done_by(partner: str) -> Count:
        """Recent occurrences with the partner's own answer, or the couple's joint one, submitted."""
        author = Q(response_author=F(partner)) | Q(response_author__isnull=True)
        return Count("occurrence", distinct=True, filter=recent & submitted & author)

    return (
        Couple.objects.filter(_on_caseload(counselor))
        .alias(**_EXERCISE_COLUMNS)
        .annotate(
            due_4w=Count("occurrence", distinct=True, filter=recent),
            p1_done_4w=done_by("partner_one"),
            p2_done_4w=done_by("partner_two"),
            overdue=Count(
                "occurrence",
                distinct=True,
                filter=Q(assignment_status=AssignmentStatus.ACTIVE, due_at__lt=now, completed_at__isnull=True),
            ),
            # A ritual's logs are not answers to review: the counselor follows
            # a ritual by its confirmed periods and streaks (rituals_for).
            waiting=Count(
                "response",
                filter=submitted & Q(reviewed_at__isnull=True) & ~Q(template_kind=TemplateKind.PRACTICE),
            ),
            last_activity=Max("submitted_at", filter=submitted),
            next_appointment=Subquery(
                Appointment.objects.filter(couple=OuterRef("pk"), start__gte=now, status=AppointmentStatus.CONFIRMED)
                .order_by("start")
                .values("start")[:1]
            ),
            **_PER_COUPLE,
        )
        .order_by()
        .values_list(
            "pk",
            "status",
            "started_on",
            "partner_one_id",
            "partner_two_id",
            "p1_name",
            "p2_name",
            "due_4w",
            "p1_done_4w",
            "p2_done_4w",
            "overdue",
            "waiting",
            "last_activity",
            "next_appointment",
            "p1_score",
            "p1_previous",
            "p2_score",
            "p2_previous",
            named=True,
        )
    )


@dataclass(slots=True)
class Person:
    """A partner as a dashboard row names them."""

    pk: int
    full_name: str


@dataclass(slots=True)
class CaseloadCouple:
    """What a dashboard row shows of a couple (not a whole model row)."""

    pk: int
    status: str
    started_on: date
    partner_one: Person
    partner_two: Person

    @property
    def display_name(self) -> str:
        return f"{self.partner_one.full_name} & {self.partner_two.full_name}"

    @property
    def partners(self) -> tuple[Person, Person]:
        return (self.partner_one, self.partner_two)

    def get_status_display(self) -> str:
        return str(CoupleStatus(self.status).label)


@dataclass(slots=True)
class PartnerFigures:
    partner: Person
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


@dataclass(slots=True)
class DashboardRow:
    couple: CaseloadCouple
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


def _partner(person: Person, done: int, due: int, score: Decimal | None, previous: Decimal | None) -> PartnerFigures:
    change = None if score is None or previous is None else score - previous
    return PartnerFigures(partner=person, done_4w=done, rate_4w=_rate(done, due), score=score, change=change)


def _row(figures: Any, now: datetime) -> DashboardRow:
    """A dashboard row from one named tuple of dashboard_queryset."""
    couple = CaseloadCouple(
        pk=figures.pk,
        status=figures.status,
        started_on=figures.started_on,
        partner_one=Person(figures.partner_one_id, figures.p1_name),
        partner_two=Person(figures.partner_two_id, figures.p2_name),
    )
    due, waiting, overdue, last_activity = figures.due_4w, figures.waiting, figures.overdue, figures.last_activity
    partners = [
        _partner(couple.partner_one, figures.p1_done_4w, due, figures.p1_score, figures.p1_previous),
        _partner(couple.partner_two, figures.p2_done_4w, due, figures.p2_score, figures.p2_previous),
    ]
    days = (now - last_activity).days if last_activity else None
    reasons: list[tuple[int, str]] = []
    if waiting:
        reasons.append((Reason.WAITING, _plural(waiting, "submission") + " waiting for review"))
    if overdue:
        reasons.append((Reason.OVERDUE, _plural(overdue, "exercise") + " overdue"))
    for partner in partners:
        if partner.change is not None and partner.change < 0:
            reasons.append((Reason.FALLING, f"{partner.partner.full_name}'s score fell by {-partner.change}"))
    if days is not None and days >= INACTIVE_DAYS:
        reasons.append((Reason.INACTIVE, f"No activity for {days} days"))
    elif (
        days is None and couple.status == CoupleStatus.ACTIVE and (now.date() - couple.started_on).days >= INACTIVE_DAYS
    ):
        reasons.append((Reason.INACTIVE, "No activity yet"))
    return DashboardRow(
        couple=couple,
        next_appointment=figures.next_appointment,
        due_4w=due,
        partners=partners,
        overdue=overdue,
        waiting=waiting,
        last_activity=last_activity,
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
    rows = [_row(figures, now) for figures in couples]
    if attention_only:
        rows = [row for row in rows if row.needs_attention]
    rows.sort(key=lambda r: (r.rank, -r.waiting, -r.overdue, r.couple.partner_one.full_name, r.couple.pk))
    return rows


def dashboard_row(counselor: User, couple: Couple, *, now: datetime) -> DashboardRow | None:
    """The dashboard's row for one couple of the counselor's caseload."""
    if not _active(counselor) or counselor.role != Role.COUNSELOR:
        return None
    figures = dashboard_queryset(counselor, now=now).filter(pk=couple.pk).first()
    return _row(figures, now) if figures is not None else None
