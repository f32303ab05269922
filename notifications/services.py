"""Business rules for reminders: planning, cancelling, the sweep, delivery.

The life of a reminder:

    pending --sweep--> sending --delivery task--> sent
       |                  |  \\--> failed (last attempt, or refused for good) --resend--> pending
       \\--> cancelled <---/  (moot: answered, assignment paused, stale)

- Planning creates pending rows ahead of time (the schedule is the
  database); the unique (recipient, kind, object_key) makes it idempotent.
- The sweep claims due rows in batches, each one UPDATE whose subquery
  locks them with SELECT ... FOR UPDATE SKIP LOCKED, marks them sending
  with a short *dispatch lease* (or cancelled, if stale), and hands their
  ids to delivery tasks only in transaction.on_commit: never sends from
  inside it.
- A delivery task *takes* the rows (conditional UPDATE: still sending, and
  free or its own or lapsed), settles in one transaction what needs no
  e-mail (moot, out of attempts, e-mail turned off) and creates the in-app
  notifications (one per reminder, by a unique key), then sends each e-mail
  and marks it sent with a conditional UPDATE (sending, held by this task ->
  sent) before the next leaves. A redelivered task finds nothing to take for
  a sent reminder, so it does nothing.
- Leases that run out (the broker was down when the sweep handed rows over;
  a worker was killed mid-batch) are handed out again by the next sweep.
  A reminder is therefore sent at least once, and twice only if a worker
  died between the SMTP server accepting it and the database recording it;
  both copies carry the same Message-ID.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from itertools import islice
from typing import Any

import psycopg
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from accounts.models import AuditAction, CoupleStatus, User
from accounts.services import audit_record, user_update_profile
from exercises import recurrence
from exercises.models import Assignment, AssignmentStatus, CoupleExerciseSettings, Occurrence, Response, Visibility
from notifications import emails, selectors, timing
from notifications.conf import Conf, conf
from notifications.models import (
    InAppNotification,
    NotificationPreference,
    Reminder,
    ReminderKind,
    ReminderState,
    occurrence_key,
)
from portal import policy

logger = logging.getLogger(__name__)

EXERCISE_REMINDER_KINDS = (ReminderKind.EXERCISE_DUE_SOON, ReminderKind.EXERCISE_OVERDUE)


def _chunks(items: Sequence[int], size: int) -> Iterable[list[int]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _lock_skipping(queryset: QuerySet[Reminder]) -> QuerySet[Reminder]:
    """FOR UPDATE SKIP LOCKED where the database has it (PostgreSQL): two
    sweeps (two beat processes by mistake) then claim disjoint rows without
    waiting for each other. Elsewhere a plain FOR UPDATE (SQLite ignores it
    and serialises writers anyway)."""
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset.select_for_update()


# --- Planning ---------------------------------------------------------------------------


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


# --- Hooks called by exercises, inside their transactions --------------------------------


def _cancel_pending(reminders: QuerySet[Reminder], *, reason: str, now: datetime) -> int:
    return reminders.filter(state=ReminderState.PENDING).update(
        state=ReminderState.CANCELLED, last_error=reason, updated_at=now
    )


def reminders_on_response_submitted(*, occurrence: Occurrence, response: Response, now: datetime | None = None) -> None:
    """From exercises.services.response_submit, in its transaction.

    The submitter's pending reminders about this occurrence become moot and
    are cancelled (both partners' for a joint answer). When the exercise is
    revealed "after both", the other partner, if they have not submitted and
    opted in (default on), is told that their partner has finished: the
    reminder says nothing of what was written."""
    now = now or timezone.now()
    assignment = occurrence.assignment
    couple = assignment.couple
    submitters = [couple.partner_one_id, couple.partner_two_id] if response.author_id is None else [response.author_id]
    _cancel_pending(
        Reminder.objects.filter(occurrence=occurrence, recipient_id__in=submitters), reason="answered", now=now
    )
    if (
        response.author_id is None
        or assignment.visibility != Visibility.AFTER_BOTH
        or assignment.is_joint
        # Nothing will be revealed: no "your turn". Asked of the database, not
        # through couple.exercise_settings, whose cached answer would outlive
        # a later change for callers holding this couple.
        or CoupleExerciseSettings.objects.filter(couple_id=couple.pk, high_conflict=True).exists()
    ):
        return
    other_id = couple.partner_two_id if response.author_id == couple.partner_one_id else couple.partner_one_id
    if response.author_id not in (couple.partner_one_id, couple.partner_two_id):
        return
    if other_id in selectors.submitted_authors([occurrence.pk]).get(occurrence.pk, set()):
        return
    other = User.objects.only("pk", "time_zone", "is_active").get(pk=other_id)
    pref = selectors.preference_for(other)
    if not other.is_active or not pref.partner_finished:
        return
    at = timing.fit_to_waking_hours(
        now, now=now, deadline=None, time_zone=other.time_zone, start=pref.quiet_start, end=pref.quiet_end
    )
    assert at is not None
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=ReminderKind.PARTNER_FINISHED,
                recipient_id=other_id,
                occurrence=occurrence,
                object_key=occurrence_key(occurrence.pk),
                due_at=at,
            )
        ],
        ignore_conflicts=True,  # an edited answer does not tell them twice
    )


def reminders_on_assignment_status_changed(*, assignment: Assignment, now: datetime | None = None) -> None:
    """From exercises' pause/resume/end, in its transaction: a paused or
    ended assignment's pending reminders are cancelled; a resumed one's open
    occurrences are planned again (reopening what the pause cancelled)."""
    now = now or timezone.now()
    reminders = Reminder.objects.filter(occurrence__assignment=assignment)
    if assignment.status != AssignmentStatus.ACTIVE:
        _cancel_pending(reminders, reason=f"assignment {assignment.status}", now=now)
        return
    open_ = list(
        Occurrence.objects.filter(assignment=assignment, completed_at__isnull=True).select_related("assignment__couple")
    )
    reminders_plan_occurrences(occurrences=open_, now=now, reopen=True)


# --- The sweep ----------------------------------------------------------------------------


@dataclass
class SweepResult:
    claimed: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    reissued: list[int] = field(default_factory=list)


STALE_ERROR = "stale: its moment had passed when it was swept"

# One statement per batch: lock due rows (skipping those another sweep
# holds), cancel the stale ones, lease out the rest. Locking with a SELECT
# and then updating by id wrote each row twice and took three round trips,
# a third of the sweep's time. The ORM compiles the subquery (what is due
# is the selectors' to say); it cannot write UPDATE ... RETURNING.
CLAIM_SQL = (
    "UPDATE notifications_reminder SET"
    " state = CASE WHEN expires_at <= %s THEN %s ELSE %s END,"
    " lease_owner = '',"
    " lease_expires_at = CASE WHEN expires_at <= %s THEN NULL ELSE %s END,"
    " last_error = CASE WHEN expires_at <= %s THEN %s ELSE last_error END,"
    " updated_at = %s"
    " WHERE id IN ({locked}) RETURNING id, state"
)


def _claim(queryset: QuerySet[Reminder], *, now: datetime, c: Conf) -> tuple[list[int], list[int]]:
    """One batch, in one short transaction: claim due rows (CLAIM_SQL) and
    hand those leased out over once the transaction has committed.
    Returns (handed over, cancelled)."""
    with transaction.atomic():
        locked, locked_params = _lock_skipping(queryset).values("pk")[: c.sweep_batch].query.sql_with_params()
        at, until = (
            connection.ops.adapt_datetimefield_value(now),
            connection.ops.adapt_datetimefield_value(now + c.dispatch_lease),
        )
        with connection.cursor() as cursor:
            cursor.execute(
                CLAIM_SQL.format(locked=locked),
                [at, ReminderState.CANCELLED, ReminderState.SENDING, at, until, at, STALE_ERROR, at, *locked_params],
            )
            rows = cursor.fetchall()
        fresh = [pk for pk, state in rows if state == ReminderState.SENDING]
        # Workers were down past the due time: "due soon" would now be wrong.
        stale = [pk for pk, state in rows if state == ReminderState.CANCELLED]
        if fresh:
            # Only after commit: a task must never see a row still locked or
            # not yet marked, and nothing is sent if this transaction rolls back.
            transaction.on_commit(partial(reminders_dispatch, reminder_ids=fresh))
    return fresh, stale


def reminders_sweep(*, now: datetime | None = None) -> SweepResult:
    """The every-minute job: hand out every due reminder, in batches, and
    hand out again those whose lease has lapsed. Safe to run concurrently."""
    now = now or timezone.now()
    c = conf()
    result = SweepResult()
    for source, into in ((selectors.due_reminders, result.claimed), (selectors.lapsed_leases, result.reissued)):
        for _ in range(c.sweep_max_batches):
            handed, cancelled = _claim(source(now), now=now, c=c)
            into.extend(handed)
            result.cancelled.extend(cancelled)
            if len(handed) + len(cancelled) < c.sweep_batch:
                break
    if result.claimed or result.reissued or result.cancelled:
        logger.info(
            "reminder sweep: %d handed out, %d handed out again, %d stale cancelled",
            len(result.claimed),
            len(result.reissued),
            len(result.cancelled),
        )
    return result


def reminders_tick(*, now: datetime | None = None) -> SweepResult:
    """What beat runs every minute: plan reminders for occurrences that have
    none yet, then sweep."""
    reminders_plan_upcoming(now=now)
    return reminders_sweep(now=now)


def reminders_dispatch(*, reminder_ids: Sequence[int]) -> int:
    """Queue delivery tasks for claimed reminders, a batch per task. Runs after
    the sweep's commit. A broker that is down is not waited for: the rows keep
    their dispatch lease and the sweep hands them out again when it lapses.
    Returns how many reminders were queued."""
    from notifications.tasks import deliver_reminders

    queued = 0
    for chunk in _chunks(reminder_ids, conf().delivery_batch):
        try:
            deliver_reminders.apply_async(args=[chunk], retry=False)
        except Exception:  # the broker, whatever its client raises
            logger.warning("could not queue %d reminders; the sweep will retry them", len(reminder_ids) - queued)
            break
        queued += len(chunk)
    return queued


# --- Delivery -----------------------------------------------------------------------------


@dataclass
class DeliveryResult:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)
    retry_in: float = 0.0  # seconds
    error: str = ""


def _take(ids: Sequence[int], *, owner: str, now: datetime, c: Conf) -> list[int]:
    """Lease the reminders this task may send: still sending, and free (just
    claimed), already this task's (a retry), or lapsed (their holder died).
    A reminder already sent, or held by a live task, is not taken."""
    with transaction.atomic():
        takeable = Reminder.objects.filter(pk__in=list(ids), state=ReminderState.SENDING).filter(
            Q(lease_owner="") | Q(lease_owner=owner) | Q(lease_expires_at__lt=now)
        )
        taken = list(_lock_skipping(takeable).values_list("pk", flat=True))
        Reminder.objects.filter(pk__in=taken).update(
            lease_owner=owner, lease_expires_at=now + c.send_lease, attempts=F("attempts") + 1, updated_at=now
        )
    return taken


def _notify_in_app(reminders: Sequence[Reminder]) -> None:
    # The one-to-one on reminder makes this exactly once, whatever is retried.
    InAppNotification.objects.bulk_create(
        [
            InAppNotification(
                user_id=reminder.recipient_id,
                kind=reminder.kind,
                reminder=reminder,
                text=emails.in_app_text(reminder),
                url=emails.in_app_url(reminder),
            )
            for reminder in reminders
        ],
        ignore_conflicts=True,
    )


def _held(reminders: Iterable[Reminder], *, owner: str) -> QuerySet[Reminder]:
    return Reminder.objects.filter(pk__in=[r.pk for r in reminders], state=ReminderState.SENDING, lease_owner=owner)


FINISH_SQL = (
    "UPDATE notifications_reminder SET state = %s, sent_at = %s, emailed = %s, last_error = %s,"
    " lease_owner = %s, lease_expires_at = %s, updated_at = %s WHERE id = %s AND state = %s AND lease_owner = %s"
)
FINISH_COLUMNS = ("state", "sent_at", "emailed", "last_error", "lease_owner", "lease_expires_at", "updated_at")


def _records_cursor() -> CursorWrapper:
    """The cursor a batch records its e-mails with (see _finish). On
    PostgreSQL one that binds parameters on the server, which lets psycopg
    prepare the statement (settings: prepare_threshold). Django's own
    cursors put the values into the SQL text, which PostgreSQL then parses
    and plans afresh each time: a third of the database's work for each
    e-mail's record."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    # Wrapped as Django wraps its own: errors as Django's, queries logged when counted.
    wrapper = CursorDebugWrapper if connection.queries_logged else CursorWrapper
    return wrapper(raw, connection)


def _outcome(state: str, *, error: str = "", emailed: bool = False) -> dict[str, Any]:
    now = timezone.now()
    return {
        "state": state,
        "sent_at": now if state == ReminderState.SENT else None,
        "emailed": emailed,
        "last_error": error[:2000],
        "lease_owner": "",
        "lease_expires_at": None,
        "updated_at": now,
    }


def _finish(
    reminder: Reminder,
    *,
    owner: str,
    state: str,
    error: str = "",
    emailed: bool = False,
    cursor: CursorWrapper | None = None,
) -> bool:
    """Record the outcome of one e-mail if this task still holds the reminder:
    one conditional UPDATE, which is what makes a redelivered task harmless.
    Its in-app notification exists already (see reminders_deliver). Written
    in SQL because it runs once per e-mail, where the ORM's compiling it
    cost more than the database's running it; a batch passes the one
    ``cursor`` it records with."""
    if cursor is None:
        with _records_cursor() as own:
            return _finish(reminder, owner=owner, state=state, error=error, emailed=emailed, cursor=own)
    outcome = _outcome(state, error=error, emailed=emailed)
    cursor.execute(
        FINISH_SQL, [*(outcome[column] for column in FINISH_COLUMNS), reminder.pk, ReminderState.SENDING, owner]
    )
    return cursor.rowcount == 1


def _finish_many(
    reminders: Sequence[Reminder], *, owner: str, state: str, error: str = "", emailed: bool = False
) -> list[int]:
    """Record one outcome for those of ``reminders`` this task still holds;
    returns their ids. Call inside a transaction (the rows stay locked
    between the read and the write)."""
    if not reminders:
        return []
    held = list(_lock_skipping(_held(reminders, owner=owner)).values_list("pk", flat=True))
    Reminder.objects.filter(pk__in=held).update(**_outcome(state, error=error, emailed=emailed))
    return held


def _still_wanted(reminder: Reminder, submitted: dict[int, set[int | None]], *, now: datetime) -> str:
    """Empty if the reminder should go; else why it is moot."""
    if not reminder.recipient.is_active:
        return "recipient inactive"
    if reminder.appointment is not None:
        return _appointment_moot(reminder, now=now)
    occurrence = reminder.occurrence
    if occurrence is None:
        return ""
    assignment = occurrence.assignment
    if assignment.status != AssignmentStatus.ACTIVE or assignment.couple.status != CoupleStatus.ACTIVE:
        return "assignment not active"
    answered = submitted.get(occurrence.pk, set())
    if None in answered or reminder.recipient_id in answered:
        return "answered"
    if reminder.kind == ReminderKind.EXERCISE_DUE_SOON and occurrence.due_at <= now:
        return "stale: already due"
    return ""


def _appointment_moot(reminder: Reminder, *, now: datetime) -> str:
    from notifications.appointments import planned_start_matches
    from scheduling.models import AppointmentStatus

    appointment = reminder.appointment
    assert appointment is not None
    if reminder.kind == ReminderKind.APPOINTMENT_REMINDER:
        if appointment.status != AppointmentStatus.CONFIRMED:
            return f"appointment {appointment.status}"
        if not planned_start_matches(reminder):
            return "appointment moved"
        if appointment.start <= now:
            return "stale: the appointment has begun"
    if reminder.kind == ReminderKind.APPOINTMENT_REQUESTED and appointment.status != AppointmentStatus.REQUESTED:
        return "request already handled"
    return ""


def is_temporary(exc: BaseException) -> bool:
    """Worth another try later: the server or the network, not the message,
    or the task's soft time limit (a slow server): the rest waits for a retry."""
    if isinstance(exc, SoftTimeLimitExceeded):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    # SMTPServerDisconnected, refused or reset connections, timeouts.
    return isinstance(exc, smtplib.SMTPServerDisconnected | OSError)


def retry_delay(attempts: int, c: Conf) -> timedelta:
    return min(c.retry_base * 2 ** max(attempts - 1, 0), c.retry_cap)


def reminders_deliver(*, reminder_ids: Sequence[int], owner: str | None = None) -> DeliveryResult:
    """Send a batch of claimed reminders over one SMTP connection.

    ``owner`` is the delivery task's id (the same across its retries). A
    temporary SMTP error stops the batch: what is left is kept leased for a
    retry (``result.retry`` after ``result.retry_in`` seconds), except
    reminders on their last attempt, which are marked failed. A message the
    server refuses for good (5xx) is marked failed at once."""
    owner = owner or uuid.uuid4().hex
    c = conf()
    result = DeliveryResult()
    taken = _take(reminder_ids, owner=owner, now=timezone.now(), c=c)
    if not taken:
        return result
    reminders = selectors.reminders_for_delivery(taken)
    to_send = _settle_unsendable(reminders, owner=owner, result=result, c=c)
    with _asynchronous_commit():
        _send_one_by_one(to_send, owner=owner, result=result, c=c)
    return result


def _send_one_by_one(to_send: list[Reminder], *, owner: str, result: DeliveryResult, c: Conf) -> None:
    """Send each e-mail over one connection and record it before the next
    one leaves: a worker killed at any moment has at most one message sent and
    not recorded (sent again, with the same Message-ID, by the task's
    redelivery)."""
    smtp = mail.get_connection()
    opened = False
    records = _records_cursor()
    try:
        for index, reminder in enumerate(to_send):
            try:
                message = emails.reminder_message(reminder, connection=smtp)
                if not opened:
                    # Opened here, not by send_messages, which would close
                    # a connection it opened itself after each message.
                    smtp.open()
                    opened = True
                if not smtp.send_messages([message]):
                    raise smtplib.SMTPServerDisconnected("the connection could not be opened")
            except Exception as exc:
                if is_temporary(exc):
                    _postpone(to_send[index:], owner=owner, error=_describe(exc), result=result, c=c)
                    break
                if not isinstance(exc, smtplib.SMTPException):
                    logger.exception("reminder %s could not be built or sent", reminder.pk)
                if _finish(reminder, owner=owner, state=ReminderState.FAILED, error=_describe(exc), cursor=records):
                    result.failed.append(reminder.pk)
                continue
            if _finish(reminder, owner=owner, state=ReminderState.SENT, emailed=True, cursor=records):
                result.sent.append(reminder.pk)
    finally:
        records.close()
        try:
            smtp.close()
        except Exception:  # a broken connection may fail to say QUIT; nothing to do
            logger.debug("closing the SMTP connection failed", exc_info=True)


@contextmanager
def _asynchronous_commit() -> Iterator[None]:
    """On PostgreSQL, the delivery's records commit without waiting for the
    disk: a database crash (not a restart) may forget the last fraction of a
    second of them, and those reminders are then sent again with the same
    Message-ID, like the one in flight when a worker dies. The wait it saves
    is a quarter of an e-mail's cost."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except DatabaseError:  # the connection is gone, and the setting with it
            logger.debug("could not reset synchronous_commit", exc_info=True)


@transaction.atomic
def _settle_unsendable(reminders: list[Reminder], *, owner: str, result: DeliveryResult, c: Conf) -> list[Reminder]:
    """Before any e-mail: in one transaction, fail what ran out of attempts,
    cancel what became moot, mark sent what the recipient wants in the portal
    only, and give every reminder that is not cancelled its in-app
    notification. Returns the reminders whose e-mail is to be sent."""
    now = timezone.now()
    submitted = selectors.submitted_authors(r.occurrence_id for r in reminders if r.occurrence_id)
    prefs = selectors.preferences_for(r.recipient_id for r in reminders)
    gave_up: list[Reminder] = []
    moot: dict[str, list[Reminder]] = {}
    in_app_only: list[Reminder] = []
    to_send: list[Reminder] = []
    for reminder in reminders:
        if reminder.attempts > c.max_attempts:
            gave_up.append(reminder)
        elif why := _still_wanted(reminder, submitted, now=now):
            moot.setdefault(why, []).append(reminder)
        elif not prefs[reminder.recipient_id].email_enabled(reminder.kind):
            in_app_only.append(reminder)
        else:
            to_send.append(reminder)
    # Failures keep each reminder's own last error.
    for reminder in gave_up:
        if _finish_many([reminder], owner=owner, state=ReminderState.FAILED, error=reminder.last_error or "gave up"):
            result.failed.append(reminder.pk)
    for why, group in moot.items():
        result.cancelled += _finish_many(group, owner=owner, state=ReminderState.CANCELLED, error=why)
    result.sent += _finish_many(in_app_only, owner=owner, state=ReminderState.SENT, emailed=False)
    _notify_in_app([*gave_up, *in_app_only, *to_send])
    return to_send


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _postpone(left: Sequence[Reminder], *, owner: str, error: str, result: DeliveryResult, c: Conf) -> None:
    """After a temporary error: fail what is on its last attempt, keep the
    rest leased to this task until its retry is due (plus the send lease)."""
    result.error = error
    now = timezone.now()
    again = []
    for reminder in left:
        if reminder.attempts >= c.max_attempts:
            if _finish(reminder, owner=owner, state=ReminderState.FAILED, error=error):
                result.failed.append(reminder.pk)
        else:
            again.append(reminder)
    if not again:
        return
    delay = retry_delay(min(r.attempts for r in again), c)
    kept = Reminder.objects.filter(pk__in=[r.pk for r in again], state=ReminderState.SENDING, lease_owner=owner).update(
        lease_expires_at=now + delay + c.send_lease, last_error=error[:2000], updated_at=now
    )
    if kept:
        result.retry = [r.pk for r in again]
        result.retry_in = delay.total_seconds()


# --- Resend, preferences, unsubscribe, the bell ------------------------------------------


@transaction.atomic
def reminder_resend(*, reminder: Reminder, actor: User, now: datetime | None = None) -> bool:
    """Put a failed reminder back in the queue, now, with fresh attempts.
    False if it was not failed (resent already, by someone else)."""
    if not policy.can_manage_reminders(actor):
        raise PermissionDenied("Only practice admins resend reminders.")
    now = now or timezone.now()
    done = Reminder.objects.filter(pk=reminder.pk, state=ReminderState.FAILED).update(
        state=ReminderState.PENDING, attempts=0, last_error="", due_at=now, expires_at=None, updated_at=now
    )
    if done:
        audit_record(actor=actor, action=AuditAction.REMINDER_RESENT, target=reminder, kind=reminder.kind)
    return bool(done)


PREFERENCE_FIELDS = (
    "email_exercise_due_soon",
    "email_exercise_overdue",
    "email_partner_finished",
    "email_weekly_digest",
    "email_appointment_reminder",
    "email_appointment_changed",
    "email_appointment_requested",
    "email_intake_requested",
    "partner_finished",
    "quiet_start",
    "quiet_end",
)


@transaction.atomic
def preferences_update(
    *, user: User, time_zone: str | None = None, now: datetime | None = None, **changes: object
) -> NotificationPreference:
    """Save a user's choices (pass only PREFERENCE_FIELDS) and their time
    zone, then move their pending reminders to fit."""
    unknown = set(changes) - set(PREFERENCE_FIELDS)
    if unknown:
        raise ValidationError(f"These cannot be changed: {', '.join(sorted(unknown))}.")
    pref = selectors.preference_for(user)
    for name, value in changes.items():
        setattr(pref, name, value)
    pref.full_clean(exclude=["user"])
    pref.save()
    if time_zone is not None and time_zone != user.time_zone:
        user_update_profile(user=user, full_name=user.full_name, time_zone=time_zone, phone=user.phone)
    if not pref.partner_finished:
        _cancel_pending(
            Reminder.objects.filter(recipient=user, kind=ReminderKind.PARTNER_FINISHED),
            reason="opted out",
            now=now or timezone.now(),
        )
    reminders_refresh_for_user(user=user, now=now)
    audit_record(actor=user, action=AuditAction.NOTIFICATION_PREFERENCES_UPDATED, target=user, changed=sorted(changes))
    return pref


@transaction.atomic
def preferences_unsubscribe(*, user: User, kind: str) -> NotificationPreference:
    """One-click unsubscribe (RFC 8058) from one kind of e-mail.

    What it makes moot is the e-mail, not the reminder: pending reminders of
    that kind still reach the bell but send no e-mail, because delivery reads
    the preference at the moment it sends (in the same transaction as this
    change, nothing pending can still e-mail). Turning "tell me when my
    partner has finished" off altogether (preferences page) cancels those."""
    if kind not in ReminderKind.values:
        raise ValidationError("Unknown kind of e-mail.")
    pref = selectors.preference_for(user)
    setattr(pref, f"email_{kind}", False)
    pref.save()
    audit_record(actor=None, action=AuditAction.NOTIFICATION_PREFERENCES_UNSUBSCRIBED, target=user, kind=kind)
    return pref


def notifications_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all unread ones if no ids)."""
    unread = InAppNotification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())
