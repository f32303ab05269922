"""Celery tasks for reminders: thin, each calls one service.

Beat runs ``notifications.sweep`` every 15 seconds (CELERY_BEAT_SCHEDULE). The
sweep queues ``notifications.deliver_reminders`` with batches of ids, only
after its transaction commits. Delivery is acks_late (a killed worker's batch
is redelivered) and idempotent (see services.reminders_deliver).
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

from notifications import services
from notifications.conf import conf

logger = logging.getLogger(__name__)


@shared_task(name="notifications.sweep", ignore_result=True)
def sweep() -> int:
    """Plan reminders for new occurrences, then hand out what is due."""
    result = services.reminders_tick()
    return len(result.claimed) + len(result.reissued)


@shared_task(name="notifications.deliver_reminders", bind=True, acks_late=True, ignore_result=True, max_retries=None)
def deliver_reminders(self: Any, reminder_ids: list[int]) -> int:
    c = conf()
    try:
        result = services.reminders_deliver(reminder_ids=reminder_ids, owner=self.request.id)
    except (OperationalError, InterfaceError) as exc:
        # The database restarted, failed over or its pooler did: try again
        # soon under the same task id, which still holds the leases (a
        # message sent and not yet recorded goes again with its Message-ID).
        # The connection that failed is dropped by config.celery before the
        # retry runs.
        logger.warning("reminder delivery met a database error (%s); retrying", type(exc).__name__)
        raise self.retry(
            exc=exc, countdown=c.database_retry_delay.total_seconds(), max_retries=c.database_retries
        ) from exc
    if result.retry:
        # Exponential backoff, capped at a few minutes (services.retry_delay);
        # the reminders' own attempts decide when to give up, so max_retries
        # is not needed here. The same task id keeps its lease on them.
        raise self.retry(args=[result.retry], countdown=result.retry_in, max_retries=c.max_attempts)
    return len(result.sent)


@shared_task(name="notifications.plan_weekly_digests", ignore_result=True)
def plan_weekly_digests() -> int:
    """Plan each counselor's next Monday-07:00 digest (their time zone)."""
    from notifications import appointments

    return appointments.digests_plan()
