"""Notices of new messages (``message_received``): in the portal at once,
by e-mail after a short delay, one e-mail for a burst of messages, none if
the message is read in the portal first.

Called by messaging (messaging/receivers.py), which comes after
notifications in the app order and knows who may read a conversation: it
passes ids and the author's name, never what was written, a file's name or
the conversation's subject. Both calls run inside messaging's own
transactions, so a notice commits or rolls back with the message or the
read state.

- A new message: each recipient gets an in-app notice now and a reminder
  row due after ReminderSettings.message_email_delay_minutes (10 by
  default), moved out of their quiet hours; its delivery sends the e-mail
  (or, with that kind turned off, nothing more: the notice is there).
  While a recipient has a pending notice for the thread, a new message
  plans nothing more: it marks that notice unread again and dates it anew.
  Posts in one thread are planned one after the other (under the
  thread's lock), and the database holds "at most one pending per person
  and thread" (``reminder_one_pending_message_notice``) besides, so a burst
  never sends two e-mails.
- The thread read (or written in) by a recipient: their pending e-mail is
  cancelled and their notices for the thread are marked read.

What the notices say: a counselor is told who wrote ("New message from Sam
Lee"); a partner only that there is a message ("New message from your
counselor" when a counselor wrote, else "You have a new message"), so a
private conversation never names the other partner to anyone who may not
know of it; a partner in safety mode gets the neutral line.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts.languages import override_for
from accounts.models import User
from notifications import emails, selectors, timing
from notifications.models import InAppNotification, Reminder, ReminderKind, ReminderSettings, ReminderState, message_key
from notifications.services.planning import cancel_pending
from portal import policy

FROM_YOUR_COUNSELOR = gettext_lazy("New message from your counselor")
FOR_A_PARTNER = gettext_lazy("You have a new message")


def notice_line(*, recipient: User, to_counselor: bool, author_name: str, author_is_counselor: bool) -> str:
    """The in-app notice's text for one recipient (no content, ever), in
    their language: it is stored as written (accounts.languages)."""
    with override_for(recipient):
        if policy.in_safety_mode(recipient):
            return str(emails.SAFETY_NOTICE_LINE)
        if to_counselor:
            return (gettext("New message from %(name)s") % {"name": author_name})[:300]
        return str(FROM_YOUR_COUNSELOR if author_is_counselor else FOR_A_PARTNER)


def _pending(thread_id: int) -> QuerySet[Reminder]:
    return Reminder.objects.filter(kind=ReminderKind.MESSAGE_RECEIVED, thread_id=thread_id, state=ReminderState.PENDING)


def message_notices_plan(
    *,
    thread_id: int,
    message_id: int,
    author_id: int,
    counselors: Collection[User],
    partners: Collection[User],
    author_name: str,
    author_is_counselor: bool,
    now: datetime | None = None,
) -> int:
    """Tell the recipients of message ``message_id`` in thread ``thread_id``:
    ``counselors`` (told ``author_name``) and ``partners`` (told no name),
    never the author; inactive users are skipped. The author's own pending
    e-mail about the thread is cancelled (they are in the conversation).
    Returns how many new e-mail reminders were planned (recipients in a burst
    already planned get none).

    The caller holds the thread's lock (messaging's posting services do), so
    no other plan for the thread runs meanwhile; the database's "at most one
    pending per person and thread" (``reminder_one_pending_message_notice``)
    guards it still. Partners' ``safety`` should be loaded with them
    (select_related), or each costs a query."""
    now = now or timezone.now()
    users = {u.pk: u for u in (*counselors, *partners) if u.is_active and u.pk != author_id}
    counselor_ids = {u.pk for u in counselors}
    pending = dict(_pending(thread_id).filter(recipient_id__in=[*users, author_id]).values_list("recipient_id", "pk"))
    if pending.pop(author_id, None) is not None:
        message_notices_cancel(thread_id=thread_id, user_id=author_id, reason="wrote in the thread", now=now)
    if pending:
        # A burst goes on: the one notice is unread again, dated by this message.
        InAppNotification.objects.filter(reminder_id__in=list(pending.values())).update(read_at=None, created_at=now)
    fresh = [user for pk, user in users.items() if pk not in pending]
    if not fresh:
        return 0
    delay = timedelta(minutes=ReminderSettings.load().message_email_delay_minutes)
    prefs = selectors.preferences_for(u.pk for u in fresh)
    key = message_key(thread_id, message_id)
    planned = []
    for user in fresh:
        pref = prefs[user.pk]
        due = timing.fit_to_waking_hours(
            now + delay, now=now, deadline=None, time_zone=user.time_zone, start=pref.quiet_start, end=pref.quiet_end
        )
        assert due is not None  # no deadline: always a time
        planned.append(
            Reminder(
                kind=ReminderKind.MESSAGE_RECEIVED, recipient=user, thread_id=thread_id, object_key=key, due_at=due
            )
        )
    Reminder.objects.bulk_create(planned)  # sets each row's pk (PostgreSQL and SQLite)
    url = emails.thread_path(thread_id)
    InAppNotification.objects.bulk_create(
        [
            InAppNotification(
                user_id=reminder.recipient_id,
                kind=ReminderKind.MESSAGE_RECEIVED,
                reminder_id=reminder.pk,
                text=notice_line(
                    recipient=users[reminder.recipient_id],
                    to_counselor=reminder.recipient_id in counselor_ids,
                    author_name=author_name,
                    author_is_counselor=author_is_counselor,
                ),
                url=url,
            )
            for reminder in planned
        ]
    )
    return len(planned)


def message_notices_cancel(
    *, thread_id: int, user_id: int, reason: str = "read in the portal", now: datetime | None = None
) -> int:
    """``user_id`` has read thread ``thread_id`` (or written in it): their
    pending e-mail about it is cancelled (one the sweep has already taken
    goes), their notices about it are marked read. Returns reminders cancelled."""
    now = now or timezone.now()
    cancelled = cancel_pending(_pending(thread_id).filter(recipient_id=user_id), reason=reason, now=now)
    InAppNotification.objects.filter(
        user_id=user_id, kind=ReminderKind.MESSAGE_RECEIVED, reminder__thread_id=thread_id, read_at__isnull=True
    ).update(read_at=now)
    return cancelled
