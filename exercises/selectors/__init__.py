"""Read-side queries for exercises, scoped by who asks and free of N+1 queries
(rituals' summaries in rituals.py, re-exported here).

Each ``*_visible_to`` returns a queryset with what its lists show already
joined, so a page or endpoint issues the same number of queries for 5 rows
as for 50. ``responses_visible_to`` is the reveal rules of portal.policy
written as SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.db.models import CharField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast

from accounts.models import AuditEvent, Couple, User
from exercises.models import (
    Assignment,
    AssignmentStatus,
    Comment,
    CoupleExerciseSettings,
    ExerciseTemplate,
    Occurrence,
    Response,
    ResponseState,
    Visibility,
)
from exercises.selectors.rituals import (
    RitualCheck as RitualCheck,
)
from exercises.selectors.rituals import (
    RitualPeriod as RitualPeriod,
)
from exercises.selectors.rituals import (
    RitualSummary as RitualSummary,
)
from exercises.selectors.rituals import (
    ritual_summaries as ritual_summaries,
)
from exercises.selectors.rituals import (
    ritual_summary as ritual_summary,
)
from portal import policy

# --- Scoping -------------------------------------------------------------------------


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _caseload_couples(user: User) -> QuerySet[Any]:
    return policy.caseload_couple_ids(user)


def _couples_of_partner(user: User) -> QuerySet[Couple, Any]:
    return Couple.objects.filter(Q(partner_one=user) | Q(partner_two=user)).values("pk")


def exercise_couples(user: User) -> QuerySet[Couple, Any] | None:
    """The ids of the couples whose exercises the user may see, as a subquery;
    None for no one. Practice admins see no exercise data: its titles and
    schedules already say something clinical about a couple."""
    if not _active(user):
        return None
    if policy.can_assign_exercises(user):
        return _caseload_couples(user)
    if policy.can_answer_exercises(user):
        return _couples_of_partner(user)
    return None


def templates_visible_to(user: User) -> QuerySet[ExerciseTemplate]:
    """The library a counselor chooses from: built-ins and their own. Not
    the templates that carry a measure (progress.MeasureTemplate): those are
    assigned, and changed, as measures."""
    templates = ExerciseTemplate.objects.select_related("owner", "copied_from")
    if not _active(user) or not policy.uses_template_library(user):
        return templates.none()
    return templates.filter(Q(is_builtin=True) | Q(owner=user)).filter(measure_link__isnull=True)


def assignments_visible_to(user: User) -> QuerySet[Assignment]:
    couples = exercise_couples(user)
    assignments = Assignment.objects.select_related(
        "template", "assigned_by", "couple__partner_one", "couple__partner_two", "couple__primary_counselor"
    )
    return assignments.none() if couples is None else assignments.filter(couple__in=couples)


def occurrences_visible_to(user: User) -> QuerySet[Occurrence]:
    couples = exercise_couples(user)
    occurrences = Occurrence.objects.select_related(
        "assignment__template", "assignment__couple__partner_one", "assignment__couple__partner_two"
    )
    return occurrences.none() if couples is None else occurrences.filter(assignment__couple__in=couples)


def _partner_visible_q(user: User) -> Q:
    """Responses a client may read: see portal.policy.can_view_response."""
    viewer_submitted = Exists(
        Response.objects.filter(occurrence=OuterRef("occurrence"), author=user, state=ResponseState.SUBMITTED)
    )
    high_conflict = Exists(
        CoupleExerciseSettings.objects.filter(couple=OuterRef("occurrence__assignment__couple"), high_conflict=True)
    )
    visibility = "occurrence__assignment__visibility"
    others = (
        Q(state=ResponseState.SUBMITTED)
        & ~Q(high_conflict)
        & (Q(**{visibility: Visibility.AT_ONCE}) | (Q(**{visibility: Visibility.AFTER_BOTH}) & Q(viewer_submitted)))
    )
    return Q(author=user) | Q(author__isnull=True) | others


def responses_visible_to(user: User) -> QuerySet[Response]:
    """Every answer the user may read, with its occurrence, assignment,
    template, couple and author joined (content included: callers showing
    it must record the access with services.responses_record_access)."""
    responses = Response.objects.select_related(
        "occurrence__assignment__template",
        "occurrence__assignment__couple__partner_one",
        "occurrence__assignment__couple__partner_two",
        "author",
        "reviewed_by",
    )
    if not _active(user):
        return responses.none()
    if policy.can_assign_exercises(user):
        on_caseload = responses.filter(occurrence__assignment__couple__in=_caseload_couples(user))
        return on_caseload.filter(state=ResponseState.SUBMITTED)
    if policy.can_answer_exercises(user):
        return responses.filter(occurrence__assignment__couple__in=_couples_of_partner(user)).filter(
            _partner_visible_q(user)
        )
    return responses.none()


def comments_visible_to(user: User) -> QuerySet[Comment]:
    """Comments on occurrences the user may see, and on answers they may read."""
    couples = exercise_couples(user)
    comments = Comment.objects.select_related("author", "occurrence", "response")
    if couples is None:
        return comments.none()
    return comments.filter(occurrence__assignment__couple__in=couples).filter(
        Q(response__isnull=True) | Q(response__in=responses_visible_to(user).values("pk"))
    )


# --- What the pages list ----------------------------------------------------------------


def library_templates(user: User) -> QuerySet[ExerciseTemplate]:
    """The templates a counselor may assign now (archived ones left out)."""
    return templates_visible_to(user).filter(is_archived=False)


def templates_to_assign(user: User) -> QuerySet[ExerciseTemplate]:
    """``library_templates`` in the assign form's order: built-ins first, then by title."""
    return library_templates(user).order_by("-is_builtin", "title")


def couple_assignments(user: User, couple: Couple) -> QuerySet[Assignment]:
    return assignments_visible_to(user).filter(couple=couple)


def occurrences_with_counselors(user: User) -> QuerySet[Occurrence]:
    """``occurrences_visible_to`` with the couple's counselors loaded, for an
    occurrence's page (which checks the caseload)."""
    occurrences = occurrences_visible_to(user).select_related("assignment__couple__primary_counselor")
    return occurrences.prefetch_related("assignment__couple__other_counselors")


def occurrence_responses(user: User, occurrence: Occurrence, *, with_versions: bool = False) -> QuerySet[Response]:
    """The answers to one occurrence the user may read; ``with_versions``
    prefetches their earlier versions."""
    responses = responses_visible_to(user).filter(occurrence=occurrence)
    return responses.prefetch_related("versions") if with_versions else responses


def occurrence_comments(user: User, occurrence: Occurrence) -> QuerySet[Comment]:
    """The comments on one occurrence the user may see, with the answer each is on."""
    return comments_visible_to(user).filter(occurrence=occurrence).select_related("response__author")


# --- A partner's home page -------------------------------------------------------------


@dataclass(frozen=True)
class PartnerHome:
    due_this_week: list[Occurrence]
    overdue: list[Occurrence]
    done: list[Occurrence]
    more_done: bool = False  # done ones beyond the list: the home links to the paged list


def _answered_by(user: User, state: str) -> Exists:
    # The partner's own answer, or the couple's joint one.
    return Exists(
        Response.objects.filter(occurrence=OuterRef("pk"), state=state).filter(Q(author=user) | Q(author__isnull=True))
    )


def _submitted_at_by(user: User) -> Subquery:
    """When the partner's own answer (or the couple's joint one) was submitted."""
    answers = Response.objects.filter(occurrence=OuterRef("pk"), state=ResponseState.SUBMITTED)
    return Subquery(answers.filter(Q(author=user) | Q(author__isnull=True)).values("submitted_at")[:1])


def occurrences_for_partner(user: User) -> QuerySet[Occurrence]:
    """The partner's occurrences, each with ``has_submitted`` and ``has_draft``
    for that partner (their own answer, or the couple's joint one), so lists
    can filter by state in SQL."""
    return occurrences_visible_to(user).annotate(
        has_submitted=_answered_by(user, ResponseState.SUBMITTED),
        has_draft=_answered_by(user, ResponseState.DRAFT),
    )


def partner_done(user: User) -> QuerySet[Occurrence]:
    """The partner's occurrences they (or the couple, for a joint one) submitted,
    latest due first (id breaks ties, so pages are stable), with ``submitted_at``."""
    return (
        occurrences_for_partner(user)
        .filter(Q(has_submitted=True))
        .annotate(submitted_at=_submitted_at_by(user))
        .order_by("-due_at", "-pk")
    )


def partner_home(user: User, *, now: datetime, done_limit: int = 5) -> PartnerHome:
    """What is due in the next 7 days, what is overdue, and the latest
    ``done_limit`` done, for one partner: three queries whatever the number
    of assignments."""
    occurrences = occurrences_for_partner(user).order_by("due_at")
    # Q(...) because mypy's Django plugin cannot see annotations across functions.
    open_ = occurrences.filter(Q(has_submitted=False), assignment__status=AssignmentStatus.ACTIVE)
    done = list(partner_done(user)[: done_limit + 1])
    return PartnerHome(
        due_this_week=list(open_.filter(due_at__gte=now, due_at__lt=now + timedelta(days=7))),
        overdue=list(open_.filter(due_at__lt=now)),
        done=done[:done_limit],
        more_done=len(done) > done_limit,
    )


# --- A counselor's per-couple page -------------------------------------------------------


class PartnerState:
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    LATE = "late"


@dataclass(frozen=True)
class PartnerProgress:
    partner: User | None  # None: the couple's joint answer
    state: str  # a PartnerState
    response_id: int | None
    reviewed: bool


@dataclass(frozen=True)
class OccurrenceProgress:
    occurrence: Occurrence
    partners: list[PartnerProgress]


def _progress(response: Response | None, partner: User | None, due_at: datetime, now: datetime) -> PartnerProgress:
    if response is not None and response.state == ResponseState.SUBMITTED:
        state = PartnerState.SUBMITTED
    elif due_at < now:
        state = PartnerState.LATE
    else:
        state = PartnerState.DRAFT if response is not None else PartnerState.NOT_STARTED
    return PartnerProgress(
        partner=partner,
        state=state,
        response_id=response.pk if response else None,
        reviewed=bool(response and response.reviewed_at),
    )


def couple_occurrences(couple: Couple) -> QuerySet[Occurrence]:
    """The couple's occurrences, newest first (id breaks ties, so pages are
    stable), each with its template and its responses (answers not loaded)."""
    return (
        Occurrence.objects.filter(assignment__couple=couple)
        .select_related("assignment__template")
        .prefetch_related(Prefetch("responses", queryset=Response.objects.defer("answers")))
        .order_by("-due_at", "-pk")
    )


def occurrence_progress(
    occurrences: Iterable[Occurrence], couple: Couple, *, now: datetime
) -> list[OccurrenceProgress]:
    """Each occurrence (loaded by ``couple_occurrences``) with each partner's
    state (not started, draft, submitted, late)."""
    result = []
    for occurrence in occurrences:
        by_author = {response.author_id: response for response in occurrence.responses.all()}
        if occurrence.assignment.is_joint:
            partners = [_progress(by_author.get(None), None, occurrence.due_at, now)]
        else:
            partners = [_progress(by_author.get(p.pk), p, occurrence.due_at, now) for p in couple.partners]
        result.append(OccurrenceProgress(occurrence=occurrence, partners=partners))
    return result


def couple_progress(
    couple: Couple, *, now: datetime, since: datetime | None = None, until: datetime | None = None
) -> list[OccurrenceProgress]:
    """Each occurrence of the couple's assignments with each partner's state
    (not started, draft, submitted, late), in three queries. Answers are not
    loaded: reading one is a separate, audited step."""
    occurrences = couple_occurrences(couple)
    if since is not None:
        occurrences = occurrences.filter(due_at__gte=since)
    if until is not None:
        occurrences = occurrences.filter(due_at__lte=until)
    return occurrence_progress(occurrences, couple, now=now)


# --- The audit list ---------------------------------------------------------------------


def audit_events(
    *,
    action: str = "",
    actor: str = "",
    couple: Couple | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The audit rows, newest first, with their actor joined; ``details`` is
    left unloaded since the list never shows it. ``couple``: rows about the
    couple or about their answers, assignments, comments or appointments
    (subqueries, one statement); ``since``/``until``: created in [since, until)."""
    events = AuditEvent.objects.select_related("actor").defer("details").order_by("-created_at", "-pk")
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(Q(actor__email__icontains=actor) | Q(actor__full_name__icontains=actor))
    if couple is not None:
        events = events.filter(_about_couple(couple))
    if since is not None:
        events = events.filter(created_at__gte=since)
    if until is not None:
        events = events.filter(created_at__lt=until)
    return events


def _about_couple(couple: Couple) -> Q:
    def ids(queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.annotate(key=Cast("pk", CharField())).values("key")

    appointment = apps.get_model("scheduling", "Appointment")
    return (
        Q(target_type="accounts.couple", target_id=str(couple.pk))
        | Q(
            target_type="exercises.response",
            target_id__in=ids(Response.objects.filter(occurrence__assignment__couple=couple)),
        )
        | Q(target_type="exercises.assignment", target_id__in=ids(Assignment.objects.filter(couple=couple)))
        | Q(
            target_type="exercises.comment",
            target_id__in=ids(Comment.objects.filter(occurrence__assignment__couple=couple)),
        )
        | Q(target_type="scheduling.appointment", target_id__in=ids(appointment.objects.filter(couple=couple)))
    )
