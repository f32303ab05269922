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

Where each part lives (callers import everything from here):

- planning: the exercise reminders' rows, planned ahead of time;
- hooks: what an answer or an assignment's pause, resumption or end does
  to them (from notifications.receivers);
- sweep: claiming what is due and handing it to delivery tasks;
- delivery: sending, recording, retrying, and resending a failed reminder;
- preferences: a user's choices, unsubscribe, marking notices read.

Appointment reminders and the weekly digest are in notifications.appointments;
the SQL and connection settings kept for speed, with their measurements, in
notifications.db.
"""

from __future__ import annotations

from notifications import selectors
from notifications.conf import conf
from notifications.db import CLAIM_SQL, FINISH_COLUMNS, FINISH_SQL
from notifications.services.delivery import (
    DeliveryResult,
    is_temporary,
    reminder_resend,
    reminders_deliver,
    retry_delay,
)
from notifications.services.hooks import (
    reminders_on_assignment_status_changed,
    reminders_on_response_submitted,
    reminders_on_safety_mode_changed,
)
from notifications.services.planning import (
    EXERCISE_REMINDER_KINDS,
    cancel_pending,
    reminders_plan_occurrences,
    reminders_plan_upcoming,
    reminders_refresh_for_occurrence,
    reminders_refresh_for_user,
)
from notifications.services.preferences import (
    PREFERENCE_FIELDS,
    notifications_mark_read,
    preferences_unsubscribe,
    preferences_update,
)
from notifications.services.sweep import (
    STALE_ERROR,
    SweepResult,
    _claim,
    reminders_dispatch,
    reminders_sweep,
    reminders_tick,
)

__all__ = [
    "CLAIM_SQL",
    "EXERCISE_REMINDER_KINDS",
    "FINISH_COLUMNS",
    "FINISH_SQL",
    "PREFERENCE_FIELDS",
    "STALE_ERROR",
    "DeliveryResult",
    "SweepResult",
    "_claim",
    "cancel_pending",
    "conf",
    "is_temporary",
    "notifications_mark_read",
    "preferences_unsubscribe",
    "preferences_update",
    "reminder_resend",
    "reminders_deliver",
    "reminders_dispatch",
    "reminders_on_assignment_status_changed",
    "reminders_on_response_submitted",
    "reminders_on_safety_mode_changed",
    "reminders_plan_occurrences",
    "reminders_plan_upcoming",
    "reminders_refresh_for_occurrence",
    "reminders_refresh_for_user",
    "reminders_sweep",
    "reminders_tick",
    "retry_delay",
    "selectors",
]
