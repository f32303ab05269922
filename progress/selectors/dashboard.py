"""The counselor's caseload dashboard: one row per couple with every figure,
those needing attention first, in one SQL statement whatever the caseload's
size (the measurements behind how it is written: progress.db)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy

from accounts.models import UNREVIEWED_RISK_FLAG, Couple, CoupleStatus, PartnerSafety, User
from exercises.models import AssignmentStatus, ResponseState, TemplateKind
from portal import policy
from progress import db
from progress.models import MeasureScore
from progress.signals import AttentionCount, attention_counts
from scheduling.models import Appointment, AppointmentStatus

DASHBOARD_DAYS = 28
INACTIVE_DAYS = 14


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
    # Either partner's safety screen flag not yet reviewed (no content): two
    # primary-key lookups. The counselor's own caseload only, whom
    # policy.can_see_risk_flag allows.
    "risk_flag": Exists(
        PartnerSafety.objects.filter(UNREVIEWED_RISK_FLAG).filter(
            Q(user=OuterRef("partner_one")) | Q(user=OuterRef("partner_two"))
        )
    ),
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


def _on_caseload(counselor: User) -> Q:
    """The counselor's couples: as their primary counselor or as another one
    (the latter a handful of ids: db.pk_among says how that is written)."""
    others = Couple.other_counselors.through.objects.filter(user=counselor).values("couple")
    return Q(primary_counselor=counselor) | db.pk_among(others)


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

    next_appointment = Appointment.objects.filter(
        couple=OuterRef("pk"), start__gte=now, status=AppointmentStatus.CONFIRMED
    ).order_by("start")
    extras = attention_counts(counselor=counselor)
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
            next_appointment=Subquery(next_appointment.values("start")[:1]),
            next_appointment_client_confirmed_at=Subquery(next_appointment.values("client_confirmed_at")[:1]),
            **_PER_COUPLE,
            # What other apps count as needing the counselor (progress.signals.caseload_attention).
            # Not wrapped in Coalesce: Django groups by a non-aggregate function of
            # a subquery, and PostgreSQL then ran the subquery once per joined
            # answer row (about 5,000 for 200 couples) instead of once per couple.
            **{name: extra.count for name, extra in extras.items()},
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
            "next_appointment_client_confirmed_at",
            "p1_score",
            "p1_previous",
            "p2_score",
            "p2_previous",
            "risk_flag",
            *extras,
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
    SAFETY = 0  # a safety screen flag: first, though never among the reasons' text (the printable summary)
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
    next_appointment_client_confirmed_at: datetime | None  # the client said they will be there
    partners: list[PartnerFigures]
    overdue: int
    waiting: int
    last_activity: datetime | None
    days_since_activity: int | None
    reasons: list[str]
    rank: int
    risk_flag: bool = False  # a partner's safety screen needs the counselor's attention

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


def _row(figures: Any, now: datetime, extras: dict[str, AttentionCount]) -> DashboardRow:
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
        text = ngettext("%(count)d submission waiting for review", "%(count)d submissions waiting for review", waiting)
        reasons.append((Reason.WAITING, text % {"count": waiting}))
    for name, extra in extras.items():
        if count := getattr(figures, name):  # None when the couple has none
            reasons.append((Reason.WAITING, extra.text(count)))
    if overdue:
        text = ngettext("%(count)d exercise overdue", "%(count)d exercises overdue", overdue)
        reasons.append((Reason.OVERDUE, text % {"count": overdue}))
    for partner in partners:
        if partner.change is not None and partner.change < 0:
            text = gettext("%(name)s's score fell by %(change)s") % {
                "name": partner.partner.full_name,
                "change": -partner.change,
            }
            reasons.append((Reason.FALLING, text))
    if days is not None and days >= INACTIVE_DAYS:
        text = ngettext("No activity for %(count)d day", "No activity for %(count)d days", days)
        reasons.append((Reason.INACTIVE, text % {"count": days}))
    # started_on is a date on the practice's calendar: count from the practice's
    # today, not UTC's, which is already tomorrow on a Seattle evening.
    elif (
        days is None
        and couple.status == CoupleStatus.ACTIVE
        and (timezone.localdate(now) - couple.started_on).days >= INACTIVE_DAYS
    ):
        reasons.append((Reason.INACTIVE, gettext("No activity yet")))
    return DashboardRow(
        couple=couple,
        next_appointment=figures.next_appointment,
        due_4w=due,
        next_appointment_client_confirmed_at=figures.next_appointment_client_confirmed_at,
        partners=partners,
        overdue=overdue,
        waiting=waiting,
        last_activity=last_activity,
        days_since_activity=days,
        reasons=[text for _, text in reasons],
        rank=Reason.SAFETY if figures.risk_flag else min((rank for rank, _ in reasons), default=Reason.NONE),
        risk_flag=figures.risk_flag,
    )


STATUS_FILTERS = [
    ("open", pgettext_lazy("couple status filter", "Active and paused")),
    *CoupleStatus.choices,
    ("all", pgettext_lazy("couple status filter", "All")),
]


# Values no real dashboard uses, for compiling its statement once (progress.db.precompiled_rows).
_SAMPLE_NOW = datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=UTC)
_SAMPLES = (-7_000_001, _SAMPLE_NOW, _SAMPLE_NOW - timedelta(days=DASHBOARD_DAYS))


def _figures(counselor: User, *, now: datetime, status: str, query: str) -> list[Any]:
    """The caseload's figures, one named tuple per couple with the given status (and name)."""

    def build(values: Sequence[Any]) -> QuerySet[Couple, Any]:
        # Only the counselor's id enters the statement (the caseload, their read states).
        couples = dashboard_queryset(User(pk=values[0]), now=values[1])
        if status == "open":
            couples = couples.filter(status__in=[CoupleStatus.ACTIVE, CoupleStatus.PAUSED])
        elif status in CoupleStatus.values:
            couples = couples.filter(status=status)
        if query:
            couples = couples.filter(
                Q(partner_one__full_name__icontains=query) | Q(partner_two__full_name__icontains=query)
            )
        return couples

    values = (counselor.pk, now, now - timedelta(days=DASHBOARD_DAYS))
    if query:  # a search: its LIKE pattern is no plain parameter, and searches are rare
        return list(build(values))
    extras = tuple(attention_counts(counselor=counselor))
    return db.precompiled_rows(("dashboard", status, extras), build=build, samples=_SAMPLES, values=values)


def dashboard(
    counselor: User, *, now: datetime, status: str = "open", query: str = "", attention_only: bool = False
) -> list[DashboardRow]:
    """One row per couple of the caseload, those needing attention first
    (waiting reviews, then overdue work, a falling score, no activity for
    INACTIVE_DAYS days), in one query whatever the caseload's size."""
    if not policy.has_caseload(counselor):
        return []
    extras = attention_counts(counselor=counselor)
    figures = _figures(counselor, now=now, status=status, query=query.strip())
    rows = [_row(couple, now, extras) for couple in figures]
    if attention_only:
        rows = [row for row in rows if row.needs_attention]
    rows.sort(key=lambda r: (r.rank, -r.waiting, -r.overdue, r.couple.partner_one.full_name, r.couple.pk))
    return rows


def dashboard_row(counselor: User, couple: Couple, *, now: datetime) -> DashboardRow | None:
    """The dashboard's row for one couple of the counselor's caseload."""
    if not policy.has_caseload(counselor):
        return None
    figures = dashboard_queryset(counselor, now=now).filter(pk=couple.pk).first()
    return _row(figures, now, attention_counts(counselor=counselor)) if figures is not None else None
