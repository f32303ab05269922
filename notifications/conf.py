"""Tunables for reminders, read from ``settings.NOTIFICATIONS`` (a dict) with
the defaults below, so a deployment (or a test's worker) can change one
without a settings variable per knob."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Due soon: this long before the due time...
    "DUE_SOON_LEAD": timedelta(hours=24),
    # ...except for a daily practice, reminded on the morning of the day, at
    # this local time (then moved out of the recipient's quiet hours).
    "DAILY_MORNING": time(8, 0),
    # Overdue: this long after the due time, once.
    "OVERDUE_AFTER": timedelta(hours=24),
    # Occurrences whose overdue time is further back than this when first
    # planned get no reminders (a backlog from before reminders existed).
    "PLAN_LOOKBACK": timedelta(days=2),
    # The sweep claims at most this many rows per transaction...
    "SWEEP_BATCH": 500,
    # ...and at most this many transactions per run (the next run goes on).
    "SWEEP_MAX_BATCHES": 40,
    # Reminders handed to one delivery task (one SMTP connection, a few
    # queries for the whole batch). Each e-mail is recorded as it goes, so a
    # bigger batch risks no more duplicates when a worker dies.
    "DELIVERY_BATCH": 200,
    # A claimed reminder whose delivery task has not taken it within this
    # time (broker down, message lost with a killed worker) is handed out
    # again by the sweep (every 15 s). Short, so that after a fault every
    # due reminder goes within 90 s; a task still queued behind a backlog
    # when it lapses is harmless, it finds its reminders taken (exactly once
    # holds by the lease, not by the queue).
    "DISPATCH_LEASE": timedelta(seconds=30),
    # A delivery task holds the reminders it sends for this long, and renews
    # the lease every RENEW_EVERY while it works through the batch, so a live
    # task never loses it and a dead one's batch is free within SEND_LEASE.
    # Longer than EMAIL_TIMEOUT plus RENEW_EVERY: one slow message cannot
    # outlast the lease.
    "SEND_LEASE": timedelta(seconds=30),
    "RENEW_EVERY": timedelta(seconds=5),
    # A delivery task that meets a database error (a restart, a pooler
    # restart, a failover) tries again after this long, this many times;
    # after that its reminders wait for their lease to lapse.
    "DATABASE_RETRY_DELAY": timedelta(seconds=3),
    "DATABASE_RETRIES": 20,
    # Delivery attempts per reminder before it is marked failed.
    "MAX_ATTEMPTS": 6,
    # Exponential backoff between attempts: base * 2**(attempt-1), capped
    # (Celery's advice: no countdown in the broker beyond a few minutes).
    "RETRY_BASE": timedelta(seconds=30),
    "RETRY_CAP": timedelta(minutes=5),
}


@dataclass(frozen=True)
class Conf:
    due_soon_lead: timedelta
    daily_morning: time
    overdue_after: timedelta
    plan_lookback: timedelta
    sweep_batch: int
    sweep_max_batches: int
    delivery_batch: int
    dispatch_lease: timedelta
    send_lease: timedelta
    renew_every: timedelta
    database_retry_delay: timedelta
    database_retries: int
    max_attempts: int
    retry_base: timedelta
    retry_cap: timedelta


def conf() -> Conf:
    """Read on every call, so override_settings in tests takes effect."""
    values = {**DEFAULTS, **getattr(settings, "NOTIFICATIONS", {})}
    return Conf(**{name.lower(): value for name, value in values.items()})
