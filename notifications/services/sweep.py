"""The sweep: every 15 seconds, claim what is due in batches, lease it out
(or cancel it if its moment has passed) and hand the ids to delivery tasks
once the claim has committed; hand out again what a dead worker or a down
broker left leased. How a batch is claimed in one statement is in
notifications.db.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from itertools import islice

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from notifications import db, selectors
from notifications import services as package
from notifications.conf import Conf, conf
from notifications.models import Reminder, ReminderState
from notifications.services.planning import reminders_plan_upcoming

logger = logging.getLogger(__name__)


def _chunks(items: Sequence[int], size: int) -> Iterable[list[int]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass
class SweepResult:
    claimed: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    reissued: list[int] = field(default_factory=list)


STALE_ERROR = "stale: its moment had passed when it was swept"


def _claim(queryset: QuerySet[Reminder], *, now: datetime, c: Conf) -> tuple[list[int], list[int]]:
    """One batch, in one short transaction: claim due rows (db.claim) and
    hand those leased out over once the transaction has committed.
    Returns (handed over, cancelled)."""
    with transaction.atomic():
        rows = db.claim(
            queryset, limit=c.sweep_batch, now=now, lease_until=now + c.dispatch_lease, stale_error=STALE_ERROR
        )
        fresh = [pk for pk, state in rows if state == ReminderState.SENDING]
        # Workers were down past the due time: "due soon" would now be wrong.
        stale = [pk for pk, state in rows if state == ReminderState.CANCELLED]
        if fresh:
            # Only after commit: a task must never see a row still locked or
            # not yet marked, and nothing is sent if this transaction rolls back.
            # Looked up on the package at this moment, not in this module:
            # tests and bench/reminders.py replace services.reminders_dispatch.
            transaction.on_commit(partial(package.reminders_dispatch, reminder_ids=fresh))
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
    """What beat runs every 15 seconds: plan reminders for occurrences that have
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
