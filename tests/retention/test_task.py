"""The daily task runs the erasure and is on the beat schedule."""

from __future__ import annotations

import pytest
from django.conf import settings

from retention import tasks
from retention.models import Erasure


def test_the_erasure_runs_once_a_day():
    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "retention.erase_past_retention"]
    assert entry["schedule"] == 24 * 60 * 60


@pytest.mark.django_db
def test_the_task_erases_what_is_past_the_period(sams_content, couple, counselor, close):
    close(couple, counselor, years_ago=7, days=1)

    assert tasks.erase_past_retention.delay().get() == 1
    assert Erasure.objects.filter(couple=couple).exists()
