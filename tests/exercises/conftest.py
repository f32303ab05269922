"""Fixtures for exercises: built-ins by slug, a counselor's own template,
and assignments to Sam and Riley (the `couple` persona, on Dana's caseload)."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from exercises import services
from exercises.models import Assignment, ExerciseTemplate, Occurrence
from tests.exercises.helpers import SIMPLE_FIELDS


@pytest.fixture
def builtin(db):
    """builtin(slug) -> the built-in template installed by the migration."""
    return lambda slug: ExerciseTemplate.objects.get(slug=slug, owner__isnull=True)


@pytest.fixture
def make_template(counselor):
    """make_template(visibility=..., completion_mode=..., fields=...) -> Dana's own template."""

    def make(**overrides: Any) -> ExerciseTemplate:
        values: dict[str, Any] = {
            "owner": counselor,
            "title": "Feelings check",
            "summary": "Name a feeling.",
            "instructions": "Write one feeling.",
            "fields": SIMPLE_FIELDS,
        }
        values.update(overrides)
        return services.template_create(**values)

    return make


@pytest.fixture
def assign(counselor, couple):
    """assign(template, **kwargs) -> a one-off assignment due tomorrow at 19:00 (Dana to Sam & Riley)."""

    def make(template: ExerciseTemplate, **overrides: Any) -> Assignment:
        values: dict[str, Any] = {
            "counselor": counselor,
            "couple": couple,
            "template": template,
            "starts_on": timezone.localdate(),
            "due_on": timezone.localdate() + timedelta(days=1),
            "due_time": time(19, 0),
        }
        values.update(overrides)
        return services.assignment_create(**values)

    return make


@pytest.fixture
def occurrence_of():
    """occurrence_of(assignment) -> its first occurrence."""
    return lambda assignment: Occurrence.objects.filter(assignment=assignment).order_by("sequence").first()
