"""Delivery: a task takes the reminders the sweep handed it, settles in
one transaction what needs no e-mail (moot, out of attempts, e-mail turned
off) and makes the in-app notices, then sends each e-mail over one SMTP
connection and records it before the next one leaves. Temporary SMTP
errors keep the rest leased for the task's retry; a practice admin may put
a failed reminder back in the queue (``reminder_resend``). The SQL each
record is written with, and why, is in notifications.db.
"""

from __future__ import annotations

import logging
import smtplib
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import AuditAction, CoupleStatus, User
from accounts.services import audit_record
from exercises.models import AssignmentStatus
from notifications import db, emails, selectors, signals
from notifications.conf import Conf, conf
from notifications.models import InAppNotification, Reminder, ReminderKind, ReminderState
from portal import policy

logger = logging.getLogger(__name__)


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
        taken = list(db.lock_skipping(takeable).values_list("pk", flat=True))
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
    in SQL (db.finish) because it runs once per e-mail, where the ORM's
    compiling it cost more than the database's running it; a batch passes
    the one ``cursor`` it records with."""
    if cursor is None:
        with db.records_cursor() as own:
            return _finish(reminder, owner=owner, state=state, error=error, emailed=emailed, cursor=own)
    return db.finish(
        cursor, reminder_id=reminder.pk, owner=owner, outcome=_outcome(state, error=error, emailed=emailed)
    )


def _finish_many(
    reminders: Sequence[Reminder], *, owner: str, state: str, error: str = "", emailed: bool = False
) -> list[int]:
    """Record one outcome for those of ``reminders`` this task still holds;
    returns their ids. Call inside a transaction (the rows stay locked
    between the read and the write)."""
    if not reminders:
        return []
    held = list(db.lock_skipping(_held(reminders, owner=owner)).values_list("pk", flat=True))
    Reminder.objects.filter(pk__in=held).update(**_outcome(state, error=error, emailed=emailed))
    return held


def _still_wanted(
    reminder: Reminder, submitted: dict[int, set[int | None]], *, now: datetime, out_of_thread: set[int]
) -> str:
    """Empty if the reminder should go; else why it is moot."""
    if not reminder.recipient.is_active:
        return "recipient inactive"
    if reminder.pk in out_of_thread:
        return "no longer in the conversation"
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
    if reminder.kind == ReminderKind.PARTNER_FINISHED and not policy.partners_share_answers(
        visibility=assignment.visibility, high_conflict=policy.is_high_conflict(assignment.couple), is_joint=False
    ):
        return "nothing to tell: the answer is private"  # e.g. the couple became high-conflict meanwhile
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
    with db.asynchronous_commit():
        _send_one_by_one(to_send, owner=owner, result=result, c=c)
    return result


def _send_one_by_one(to_send: list[Reminder], *, owner: str, result: DeliveryResult, c: Conf) -> None:
    """Send each e-mail over one connection and record it before the next
    one leaves: a worker killed at any moment has at most one message sent and
    not recorded (sent again, with the same Message-ID, by the task's
    redelivery)."""
    smtp = mail.get_connection()
    opened = False
    records = db.records_cursor()
    renewed_at = time.monotonic()
    try:
        for index, reminder in enumerate(to_send):
            if time.monotonic() - renewed_at >= c.renew_every.total_seconds():
                _renew_lease(to_send[index:], owner=owner, c=c)
                renewed_at = time.monotonic()
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


def _renew_lease(left: Sequence[Reminder], *, owner: str, c: Conf) -> None:
    """Push this task's lease on the reminders it has yet to send forward
    by a whole SEND_LEASE: while it works, the sweep leaves them alone."""
    now = timezone.now()
    _held(left, owner=owner).update(lease_expires_at=now + c.send_lease, updated_at=now)


@transaction.atomic
def _settle_unsendable(reminders: list[Reminder], *, owner: str, result: DeliveryResult, c: Conf) -> list[Reminder]:
    """Before any e-mail: in one transaction, fail what ran out of attempts,
    cancel what became moot, mark sent what the recipient wants in the portal
    only, and give every reminder that is not cancelled its in-app
    notification. Returns the reminders whose e-mail is to be sent."""
    now = timezone.now()
    submitted = selectors.submitted_authors(r.occurrence_id for r in reminders if r.occurrence_id)
    out_of_thread = signals.moot_message_notices(
        [(r.pk, r.thread_id, r.recipient_id) for r in reminders if r.thread_id is not None]
    )
    prefs = selectors.preferences_for(r.recipient_id for r in reminders)
    gave_up: list[Reminder] = []
    moot: dict[str, list[Reminder]] = {}
    in_app_only: list[Reminder] = []
    to_send: list[Reminder] = []
    for reminder in reminders:
        if reminder.attempts > c.max_attempts:
            gave_up.append(reminder)
        elif why := _still_wanted(reminder, submitted, now=now, out_of_thread=out_of_thread):
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


@transaction.atomic
def reminder_resend(*, reminder: Reminder, actor: User, now: datetime | None = None) -> bool:
    """Put a failed reminder back in the queue, now, with fresh attempts.
    False if it was not failed (resent already, by someone else)."""
    if not policy.can_manage_reminders(actor):
        raise PermissionDenied(gettext("Only practice admins resend reminders."))
    now = now or timezone.now()
    done = Reminder.objects.filter(pk=reminder.pk, state=ReminderState.FAILED).update(
        state=ReminderState.PENDING, attempts=0, last_error="", due_at=now, expires_at=None, updated_at=now
    )
    if done:
        audit_record(actor=actor, action=AuditAction.REMINDER_RESENT, target=reminder, kind=reminder.kind)
    return bool(done)
