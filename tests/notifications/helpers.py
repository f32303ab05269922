"""Values and helpers shared by the reminder tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from notifications.models import Reminder

# A Monday morning in spring, before any due time used below (UTC).
NOW = datetime(2026, 4, 6, 15, 0, tzinfo=UTC)

ANSWERS = {"feeling": "SECRET-ANSWER-hopeful", "closeness": 4}


def queries_beyond_one_per_email(ids: list[int]) -> int:
    """Deliver the claimed reminders ``ids`` (all must be sent); returns the
    queries it took, less one per e-mail (its record)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications import services

    with CaptureQueriesContext(connection) as queries:
        result = services.reminders_deliver(reminder_ids=ids)
    assert len(result.sent) == len(ids)
    return len(queries) - len(ids)


def claimed(*reminders: Reminder) -> list[int]:
    """Mark reminders as the sweep leaves them (sending, under a lease); returns their ids."""
    from django.utils import timezone

    from notifications.models import Reminder, ReminderState

    ids = [r.pk for r in reminders]
    Reminder.objects.filter(pk__in=ids).update(
        state=ReminderState.SENDING, lease_expires_at=timezone.now() + timedelta(minutes=10)
    )
    return ids
