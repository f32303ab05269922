"""The reminder queue's depth and age for /metrics (portal.metrics),
computed at each scrape from the database, so every web process reports the
same figures.

Two queries, each read from a partial index: the pending reminders due now
(count and oldest due time, from reminder_pending_due_id, in due order) and
the reminders being sent (reminder_sending_lease_id). Neither reads more
than the rows it counts: a practice's future reminders cost nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from notifications import selectors
from notifications.models import Reminder, ReminderState

DUE = "portal_reminders_due"
SENDING = "portal_reminders_sending"
OLDEST_DUE_AGE = "portal_reminder_oldest_due_age_seconds"


def _families() -> tuple[GaugeMetricFamily, GaugeMetricFamily, GaugeMetricFamily]:
    return (
        GaugeMetricFamily(DUE, "Pending reminders whose time has come, not yet handed to a worker."),
        GaugeMetricFamily(SENDING, "Reminders leased to a worker (being sent, or waiting for a lapsed lease)."),
        GaugeMetricFamily(OLDEST_DUE_AGE, "Seconds since the oldest due pending reminder was due (0 if none)."),
    )


class ReminderQueueCollector(Collector):
    def describe(self) -> Iterator[GaugeMetricFamily]:
        """The names, without a query: registering must not touch the database."""
        return iter(_families())

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = timezone.now()
        due = selectors.due_reminders(now).aggregate(count=Count("pk"), oldest=Min("due_at"))
        sending = Reminder.objects.filter(state=ReminderState.SENDING).count()
        due_family, sending_family, age_family = _families()
        due_family.add_metric([], due["count"])
        sending_family.add_metric([], sending)
        oldest = due["oldest"]
        age_family.add_metric([], max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0)
        return iter((due_family, sending_family, age_family))
