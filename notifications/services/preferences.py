"""What users do about their own notifications: their preferences (and
time zone), the one-click unsubscribe link of an e-mail, and marking the
bell's notices read.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import AuditAction, User
from accounts.services import audit_record, user_update_profile
from notifications import selectors
from notifications.models import InAppNotification, NotificationPreference, Reminder, ReminderKind
from notifications.services.planning import cancel_pending, reminders_refresh_for_user

PREFERENCE_FIELDS = (
    "email_exercise_due_soon",
    "email_exercise_overdue",
    "email_partner_finished",
    "email_weekly_digest",
    "email_appointment_reminder",
    "email_appointment_changed",
    "email_appointment_requested",
    "email_intake_requested",
    "email_intake_paperwork",
    "email_message_received",
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
        raise ValidationError(gettext("These cannot be changed: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    pref = selectors.preference_for(user)
    for name, value in changes.items():
        setattr(pref, name, value)
    pref.full_clean(exclude=["user"])
    pref.save()
    if time_zone is not None and time_zone != user.time_zone:
        user_update_profile(user=user, full_name=user.full_name, time_zone=time_zone, phone=user.phone)
    if not pref.partner_finished:
        cancel_pending(
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
        raise ValidationError(gettext("Unknown kind of e-mail."))
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
