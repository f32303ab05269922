"""Reminders of the intake forms a partner has not finished before their
couple's first appointment (``intake_paperwork``).

Called by intake (which knows who has finished what) inside its own
transactions: when a packet is made, when the first appointment is booked,
moved or cancelled, and when a partner finishes. One reminder per partner,
due the practice's lead time (ReminderSettings, 72 hours by default) before
the first appointment, moved out of the partner's quiet hours, and pointless
(cancelled by the sweep) once the appointment has begun. The key names the
couple and the start it was planned for (``paperwork:12@20270104T1700Z``),
so a rescheduled appointment gets fresh reminders. What it says names no
document and no answer: only that forms are waiting.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from accounts.models import User
from notifications import selectors, timing
from notifications.models import Reminder, ReminderKind, ReminderSettings, ReminderState
from notifications.services.planning import cancel_pending


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def paperwork_key(couple_id: int, first_start: datetime) -> str:
    return f"paperwork:{couple_id}@{_stamp(first_start)}"


def first_start_of(reminder: Reminder) -> datetime:
    """The appointment start a paperwork reminder was planned for (from its key)."""
    stamp = reminder.object_key.rpartition("@")[2]
    return datetime.strptime(stamp, "%Y%m%dT%H%MZ").replace(tzinfo=UTC)


def reminders_plan_paperwork(
    *, couple_id: int, first_start: datetime | None, recipients: Sequence[User], now: datetime | None = None
) -> int:
    """Plan a reminder for each of ``recipients`` (the partners who have
    something left to do) before the first appointment at ``first_start``;
    cancel the pending ones of anyone else, or for another start. Returns rows created."""
    now = now or timezone.now()
    wanted_key = paperwork_key(couple_id, first_start) if first_start is not None else None
    pending = Reminder.objects.filter(
        kind=ReminderKind.INTAKE_PAPERWORK,
        object_key__startswith=f"paperwork:{couple_id}@",
        state=ReminderState.PENDING,
    )
    recipient_ids = [user.pk for user in recipients if user.is_active]
    stale = pending.exclude(object_key=wanted_key, recipient_id__in=recipient_ids) if wanted_key else pending
    cancel_pending(stale, reason="intake paperwork done or first appointment changed", now=now)
    lead = ReminderSettings.load().intake_paperwork_lead_hours
    if first_start is None or wanted_key is None or first_start <= now or not lead or not recipient_ids:
        return 0
    prefs = selectors.preferences_for(recipient_ids)
    rows = []
    for user in recipients:
        if not user.is_active:
            continue
        pref = prefs[user.pk]
        due = timing.fit_to_waking_hours(
            max(first_start - timedelta(hours=lead), now),
            now=now,
            deadline=first_start,
            time_zone=user.time_zone,
            start=pref.quiet_start,
            end=pref.quiet_end,
        )
        if due is not None:
            rows.append(
                Reminder(
                    kind=ReminderKind.INTAKE_PAPERWORK,
                    recipient=user,
                    object_key=wanted_key,
                    due_at=due,
                    expires_at=first_start,
                )
            )
    return len(Reminder.objects.bulk_create(rows, ignore_conflicts=True))
