"""Periodic work for exercises. Schedule ``exercises.generate_upcoming_occurrences``
(e.g. hourly) in CELERY_BEAT_SCHEDULE to keep the rolling window filled."""

from celery import shared_task

from exercises import services


@shared_task(name="exercises.generate_upcoming_occurrences")
def generate_upcoming_occurrences() -> int:
    return services.occurrences_generate_upcoming()
