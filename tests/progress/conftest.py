"""Fixtures for progress: the built-in measure, a measure assigned to Sam and
Riley (the `couple` persona, on Dana's caseload), and answering it."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from exercises import services as exercise_services
from exercises.models import Occurrence
from progress import services
from progress.builtin import EMOTIONAL_INTIMACY
from progress.models import Measure


@pytest.fixture
def intimacy(db) -> Measure:
    """The built-in Emotional intimacy check, installed by the migration."""
    return Measure.objects.get(slug=EMOTIONAL_INTIMACY, owner=None)


@pytest.fixture
def assign_measure(counselor, couple):
    """assign_measure(measure, **kwargs) -> an assignment every two weeks from today at 19:00."""

    def make(measure: Measure, **overrides: Any):
        values: dict[str, Any] = {
            "counselor": counselor,
            "couple": couple,
            "measure": measure,
            "starts_on": timezone.localdate() + timedelta(days=1),
            "due_time": time(19, 0),
            "rrule": "FREQ=WEEKLY;INTERVAL=2",
        }
        values.update(overrides)
        return services.measure_assign(**values)

    return make


@pytest.fixture
def first_occurrence():
    return lambda assignment: Occurrence.objects.filter(assignment=assignment).order_by("sequence").first()


@pytest.fixture
def answer():
    """answer(occurrence, partner, answers) -> the submitted Response."""

    def submit(occurrence, partner, answers):
        return exercise_services.response_submit(occurrence=occurrence, user=partner, answers=answers)

    return submit
