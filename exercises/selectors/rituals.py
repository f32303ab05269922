"""Rituals (practice templates): whether each period was logged as having
happened by both partners, the streaks, and who has yet to log an open period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from accounts.models import User
from exercises.models import Assignment, Occurrence, Response, ResponseState, TemplateKind
from portal.policy import is_high_conflict, partner_may_see


class RitualCheck:
    CONFIRMED = "confirmed"  # both partners say it happened
    MISMATCH = "mismatch"  # the period is over: one said it happened, the other did not
    AWAITING = "awaiting"  # still open: one partner has logged, the other not yet
    SKIPPED = "skipped"  # both say it did not happen
    PENDING = "pending"  # nothing logged yet


# A practice template's logs say whether the ritual happened in this yes/no field.
HAPPENED_FIELD = "happened"


@dataclass(frozen=True)
class RitualPeriod:
    occurrence: Occurrence
    check: str  # a RitualCheck
    not_logged: User | None = None  # AWAITING: the partner who has not logged yet


@dataclass(frozen=True)
class RitualSummary:
    periods: list[tuple[Occurrence, str]]  # generated so far (upcoming too), newest first, with a RitualCheck
    streak: int  # consecutive past periods, newest first, that were confirmed
    longest_streak: int = 0  # the longest such run ever
    last_logged_at: datetime | None = None  # the latest log either partner submitted (that the viewer may see)
    recent: list[RitualPeriod] = field(default_factory=list)  # what a page lists: see RECENT_PERIODS


# How many periods a page lists: the next one still open and the latest past ones.
RECENT_PERIODS = 12


def _ritual_check(happened: list[bool | None]) -> str:
    happened = [*happened, None, None][:2]  # a partner who has not logged says nothing yet
    said_yes = sum(1 for value in happened if value is True)
    if said_yes == 2:
        return RitualCheck.CONFIRMED
    if said_yes == 1:
        return RitualCheck.MISMATCH
    return RitualCheck.SKIPPED if happened.count(False) == 2 else RitualCheck.PENDING


def _joint_check(happened: list[bool | None]) -> str:
    if True in happened:
        return RitualCheck.CONFIRMED
    return RitualCheck.SKIPPED if False in happened else RitualCheck.PENDING


def _is_open(occurrence: Occurrence, check: str, now: datetime) -> bool:
    """Still open: due later, and not settled, so the partners may yet log it."""
    return occurrence.due_at >= now and check in (RitualCheck.PENDING, RitualCheck.MISMATCH, RitualCheck.AWAITING)


def _streaks(periods: list[tuple[Occurrence, str]], now: datetime) -> tuple[int, int]:
    """(current, longest) runs of confirmed periods; an open period breaks neither."""
    current, counting = 0, True
    longest = run = 0
    for occurrence, check in periods:  # newest first
        if check == RitualCheck.CONFIRMED:
            run += 1
            longest = max(longest, run)
            if counting:
                current += 1
        elif not _is_open(occurrence, check, now):
            run, counting = 0, False
    return current, longest


def _summarise(
    periods: list[tuple[Occurrence, str]], logged: list[datetime], not_logged: dict[int, User], now: datetime
) -> RitualSummary:
    current, longest = _streaks(periods, now)
    upcoming = [p for p in periods if p[0].due_at > now]
    past = [p for p in periods if p[0].due_at <= now]
    recent = upcoming[-1:] + past[: RECENT_PERIODS - len(upcoming[-1:])]
    return RitualSummary(
        periods=periods,
        streak=current,
        longest_streak=longest,
        last_logged_at=max(logged, default=None),
        recent=[RitualPeriod(o, check, not_logged.get(o.pk)) for o, check in recent],
    )


def _awaiting(assignment: Assignment, occurrence: Occurrence, authors: set[int | None], now: datetime) -> User | None:
    """The partner who has not logged a period that is still open, when the
    other has: "mismatch" would read as an accusation before the period is over."""
    if assignment.is_joint or occurrence.due_at < now or len(authors) != 1:
        return None
    missing = [p for p in assignment.couple.partners if p.pk not in authors]
    return missing[0] if len(missing) == 1 else None


def ritual_summaries(
    assignments: list[Assignment], *, now: datetime, viewer: User | None = None
) -> dict[int, RitualSummary]:
    """The ritual summary of each practice assignment among ``assignments``
    (others are left out), by assignment id, in two queries whatever their
    number: whether each period was confirmed by both partners (one only is
    a mismatch; both saying no is skipped), the current and longest streaks
    of confirmed periods, and when the ritual was last logged. A period still
    open does not break a streak.

    It reads only the "happened" answer of submitted logs (decrypted here:
    the answers are encrypted in their column, docs/encryption.md). ``viewer`` None is
    the counselor's view (every submitted log); a partner's view counts the
    other partner's log only where the reveal rules let them see it. Either
    way it shows answer content: record the access."""
    practice = [a for a in assignments if a.template.kind == TemplateKind.PRACTICE]
    if not practice:
        return {}
    ids = [a.pk for a in practice]
    occurrences = list(Occurrence.objects.filter(assignment_id__in=ids).order_by("-due_at", "-pk"))
    logs = (
        Response.objects.filter(occurrence__assignment_id__in=ids, state=ResponseState.SUBMITTED)
        .order_by("pk")
        .values_list("occurrence_id", "author_id", "answers", "submitted_at")
    )
    by_occurrence: dict[int, list[tuple[int | None, Any, datetime]]] = {}
    # The answers are encrypted (portal.crypto): "happened" is read here, not in SQL.
    for occurrence_id, author_id, answers, submitted_at in logs:
        happened = answers.get(HAPPENED_FIELD) if isinstance(answers, dict) else None
        # A submitted log has its time (the constraint response_submitted_at_iff_submitted).
        by_occurrence.setdefault(occurrence_id, []).append((author_id, happened, cast(datetime, submitted_at)))
    by_assignment = {a.pk: a for a in practice}
    periods: dict[int, list[tuple[Occurrence, str]]] = {pk: [] for pk in ids}
    logged: dict[int, list[datetime]] = {pk: [] for pk in ids}
    not_logged: dict[int, dict[int, User]] = {pk: {} for pk in ids}
    for occurrence in occurrences:
        assignment = by_assignment[occurrence.assignment_id]
        entries = by_occurrence.get(occurrence.pk, [])
        if viewer is not None:
            entries = _visible_logs(entries, assignment, viewer)
        happened = [value if isinstance(value, bool) else None for _, value, _ in entries]
        check = (_joint_check if assignment.is_joint else _ritual_check)(happened)
        waiting_on = _awaiting(assignment, occurrence, {author for author, _, _ in entries}, now)
        if waiting_on is not None:
            check = RitualCheck.AWAITING
            not_logged[assignment.pk][occurrence.pk] = waiting_on
        periods[assignment.pk].append((occurrence, check))
        logged[assignment.pk] += [submitted_at for _, _, submitted_at in entries]
    return {pk: _summarise(periods[pk], logged[pk], not_logged[pk], now) for pk in ids}


def _visible_logs(
    entries: list[tuple[int | None, Any, datetime]], assignment: Assignment, viewer: User
) -> list[tuple[int | None, Any, datetime]]:
    """The logs of one period a partner may see: their own (or the joint one),
    and the other partner's as the reveal rules allow."""
    own = [e for e in entries if e[0] in (None, viewer.pk)]
    others = [e for e in entries if e[0] not in (None, viewer.pk)]
    if others and partner_may_see(
        visibility=assignment.visibility,
        high_conflict=is_high_conflict(assignment.couple),
        viewer_has_submitted=bool(own),
    ):
        return own + others
    return own


def ritual_summary(assignment: Assignment, *, now: datetime, viewer: User | None = None) -> RitualSummary:
    """``ritual_summaries`` for one practice assignment."""
    if assignment.template.kind != TemplateKind.PRACTICE:
        raise ValueError("Only practice exercises have rituals to confirm.")
    return ritual_summaries([assignment], now=now, viewer=viewer)[assignment.pk]
