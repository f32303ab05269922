"""Retention's daily task (CELERY_BEAT_SCHEDULE in config/settings.py)."""

from __future__ import annotations

import logging

from celery import shared_task

from retention import services

logger = logging.getLogger(__name__)


@shared_task(name="retention.erase_past_retention")
def erase_past_retention() -> int:
    """Erase what is past the practice's retention period; how many couples."""
    erased = services.erase_past_retention()
    if erased:
        logger.info("Erased the clinical content of %d closed couples past retention", len(erased))
    return len(erased)
