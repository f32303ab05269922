"""Planning exercise reminders: the due-soon and overdue rows of each open
occurrence, ahead of time, for each partner who still owes an answer, in
their own time zone and outside their quiet hours.

The schedule is the database: planning creates pending rows, and the
unique (recipient, kind, object_key) makes it idempotent. Rows nobody needs
any more are cancelled (``cancel_pending``, shared with the hooks,
preferences and appointment reminders); sent and failed rows are never
touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import CoupleStatus, User
from exercises import recurrence
from exercises.models import Assignment, AssignmentStatus, Occurrence
from notifications import selectors, timing
from notifications.conf import Conf, conf
from notifications.models import NotificationPreference, Reminder, ReminderKind, ReminderState, occurrence_key

EXERCISE_REMINDER_KINDS = (ReminderKind.EXERCISE_DUE_SOON, ReminderKind.EXERCISE_OVERDUE)


def cancel_pending(reminders: QuerySet[Reminder], *, reason: str, now: datetime) -> int:
    """Cancel those of ``reminders`` still pending (the sweep may have
    claimed some meanwhile: those are left alone). Returns how many."""
    return reminders.filter(state=ReminderState.PENDING).update(
        state=ReminderState.CANCELLED, last_error=reason, updated_at=now
    )


@dataclass(frozen=True)
class _Wanted:
    recipient_id: int
    kind: str
    due_at: datetime
    expires_at: datetime | None


def _is_daily(assignment: Assignment) -> bool:
    if not assignment.rrule:
        return False
    try:
        return recurrence.parse(assignment.rrule).freq == recurrence.DAILY
    except ValidationError:
        return False


def _open_recipients(occurrence: Occurrence, submitted: set[int | None]) -> list[int]:
    """The partners who still owe an answer: those who have not submitted
    theirs, or both until the couple's joint answer is in."""
    couple = occurrence.assignment.couple
    partners = [couple.partner_one_id, couple.partner_two_id]
    if occurrence.assignment.is_joint:
        return [] if None in submitted else partners
    return [partner for partner in partners if partner not in submitted]


def _wanted(
    occurrence: Occurrence,
    recipients: Iterable[int],
    users: dict[int, User],
    prefs: dict[int, NotificationPreference],
    *,
    now: datetime,
    c: Conf,
) -> list[_Wanted]:
    wanted = []
    daily = _is_daily(occurrence.assignment)
    for recipient_id in recipients:
        user = users.get(recipient_id)
        if user is None or not user.is_active:
            continue
        pref = prefs[recipient_id]
        fit = partial(
            timing.fit_to_waking_hours, now=now, time_zone=user.time_zone, start=pref.quiet_start, end=pref.quiet_end
        )
        if occurrence.due_at > now:
            planned = timing.due_soon_planned(
                due_at=occurrence.due_at,
                lead=c.due_soon_lead,
                daily=daily,
                morning=c.daily_morning,
                time_zone=user.time_zone,
            )
            at = fit(planned, deadline=occurrence.due_at)
            if at is not None:
                wanted.append(_Wanted(recipient_id, ReminderKind.EXERCISE_DUE_SOON, at, occurrence.due_at))
        overdue_at = fit(occurrence.due_at + c.overdue_after, deadline=None)
        assert overdue_at is not None  # no deadline: always a time
        wanted.append(_Wanted(recipient_id, ReminderKind.EXERCISE_OVERDUE, overdue_at, None))
    return wanted


def reminders_plan_occurrences(
    *, occurrences: Sequence[Occurrence], now: datetime | None = None, reopen: bool = False
) -> int:
    """Create or refresh the due-soon and overdue reminders of these
    occurrences (assignment and couple loaded), for each partner who still
    owes an answer, in their own time zone and outside their quiet hours.

    Pending rows get the newly computed times (a due time that moved, a
    changed time zone); rows nobody needs any more are cancelled; with
    ``reopen`` (an assignment resumed) cancelled rows that are needed again
    become pending. Sent and failed rows are never touched: the unique
    constraint keeps a sent reminder from going twice. Returns rows created."""
    now = now or timezone.now()
    if not occurrences:
        return 0
    c = conf()
    by_id = {o.pk: o for o in occurrences}
    submitted = selectors.submitted_authors(by_id)
    recipients = {o.pk: _open_recipients(o, submitted.get(o.pk, set())) for o in occurrences}
    user_ids = {
        uid for o in occurrences for uid in (o.assignment.couple.partner_one_id, o.assignment.couple.partner_two_id)
    }
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids).only("pk", "time_zone", "is_active")}
    prefs = selectors.preferences_for(user_ids)
    wanted = {
        (o.pk, w.recipient_id, w.kind): w
        for o in occurrences
        if o.assignment.status == AssignmentStatus.ACTIVE and o.assignment.couple.status == CoupleStatus.ACTIVE
        for w in _wanted(o, recipients[o.pk], users, prefs, now=now, c=c)
    }
    existing = Reminder.objects.filter(occurrence__in=list(by_id), kind__in=EXERCISE_REMINDER_KINDS)
    seen = set()
    refreshable = [ReminderState.PENDING, *([ReminderState.CANCELLED] if reopen else [])]
    for pk, occurrence_id, recipient_id, kind, state in existing.values_list(
        "pk", "occurrence_id", "recipient_id", "kind", "state"
    ):
        key = (occurrence_id, recipient_id, kind)
        seen.add(key)
        want = wanted.get(key)
        if want is None:
            Reminder.objects.filter(pk=pk, state=ReminderState.PENDING).update(
                state=ReminderState.CANCELLED, last_error="no longer needed", updated_at=now
            )
        elif state in refreshable:
            # Conditional on the state, so a row the sweep claimed meanwhile is left alone.
            Reminder.objects.filter(pk=pk, state__in=refreshable).update(
                state=ReminderState.PENDING,
                due_at=want.due_at,
                expires_at=want.expires_at,
                last_error="",
                updated_at=now,
            )
    new = [
        Reminder(
            kind=w.kind,
            recipient_id=w.recipient_id,
            occurrence_id=occurrence_id,
            object_key=occurrence_key(occurrence_id),
            due_at=w.due_at,
            expires_at=w.expires_at,
        )
        for (occurrence_id, _, _), w in wanted.items()
        if (occurrence_id, w.recipient_id, w.kind) not in seen
    ]
    # A concurrent planner may have inserted the same rows: the unique constraint absorbs it.
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def reminders_plan_upcoming(*, now: datetime | None = None, chunk: int = 500) -> int:
    """Plan every open occurrence that has no reminders yet (periodic):
    occurrences are generated by exercises (on assignment, and by its own
    periodic task), and this picks them up within a minute without a hook
    there. Returns rows created."""
    now = now or timezone.now()
    c = conf()
    since = now - c.overdue_after - c.plan_lookback
    # Occurrences exist up to exercises' rolling window ahead; a day more for safety.
    from exercises.services import OCCURRENCE_WINDOW

    until = now + OCCURRENCE_WINDOW + timedelta(days=1)
    created = 0
    while True:
        batch = list(selectors.occurrences_to_plan(now=now, since=since, until=until)[:chunk])
        if not batch:
            return created
        with transaction.atomic():
            made = reminders_plan_occurrences(occurrences=batch, now=now)
        created += made
        if len(batch) < chunk or made == 0:
            # Fewer than a chunk: done. None made: those left are owed by nobody
            # (e.g. inactive partners); they will be looked at again next minute.
            return created


def reminders_refresh_for_occurrence(*, occurrence: Occurrence, now: datetime | None = None) -> int:
    """Call when an occurrence's due time changes: its pending reminders move."""
    occurrence = Occurrence.objects.select_related("assignment__couple").get(pk=occurrence.pk)
    return reminders_plan_occurrences(occurrences=[occurrence], now=now)


def reminders_refresh_for_user(*, user: User, now: datetime | None = None) -> int:
    """Call when a user's time zone or quiet hours change: their pending
    exercise reminders are planned again (after the change is saved)."""
    occurrence_ids = (
        Reminder.objects.filter(recipient=user, state=ReminderState.PENDING, occurrence__isnull=False)
        .values_list("occurrence_id", flat=True)
        .distinct()
    )
    occurrences = list(Occurrence.objects.filter(pk__in=occurrence_ids).select_related("assignment__couple"))
    return reminders_plan_occurrences(occurrences=occurrences, now=now)
