"""Fixtures for reminders: Sam and Riley (the `couple` persona, on Dana's
caseload) with a template of Dana's and one-off or recurring assignments.

Times are passed as ``now=`` to the services, so no clock is patched."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest

from exercises import services as exercise_services
from exercises.models import Assignment, ExerciseTemplate, Occurrence
from tests.exercises.helpers import SIMPLE_FIELDS
from tests.notifications.helpers import NOW


@pytest.fixture
def template(counselor) -> ExerciseTemplate:
    return exercise_services.template_create(
        owner=counselor,
        title="Feelings check",
        summary="Name a feeling.",
        instructions="Write one feeling.",
        fields=SIMPLE_FIELDS,
    )


@pytest.fixture
def assign(counselor, couple, template):
    """assign(due_on=date, due_time=time, **kwargs) -> an assignment made at NOW."""

    def make(**overrides: Any) -> Assignment:
        values: dict[str, Any] = {
            "counselor": counselor,
            "couple": couple,
            "template": template,
            "starts_on": date(2026, 4, 6),
            "due_on": date(2026, 4, 8),
            "due_time": time(19, 0),
            "now": NOW,
        }
        values.update(overrides)
        return exercise_services.assignment_create(**values)

    return make


@pytest.fixture
def occurrence_of():
    return lambda assignment: Occurrence.objects.filter(assignment=assignment).order_by("sequence").first()


@pytest.fixture
def live_occurrence(counselor, couple, template):
    """An occurrence due in two days from the real clock (delivery checks the
    clock to tell stale from due), without planned reminders."""
    from django.utils import timezone

    now = timezone.now()
    assignment = exercise_services.assignment_create(
        counselor=counselor,
        couple=couple,
        template=template,
        starts_on=timezone.localdate(),
        due_on=timezone.localdate() + timedelta(days=2),
        due_time=time(12, 0),
        now=now,
    )
    return Occurrence.objects.get(assignment=assignment)


@pytest.fixture
def make_reminder():
    """make_reminder(occurrence, recipient, kind=overdue, due_at=now-1min, **fields) -> a pending Reminder."""
    from datetime import timedelta

    from django.utils import timezone

    from notifications.models import Reminder, ReminderKind

    def make(occurrence, recipient, kind=ReminderKind.EXERCISE_OVERDUE, **fields):
        values = {"due_at": timezone.now() - timedelta(minutes=1)}
        values.update(fields)
        return Reminder.objects.create(
            kind=kind, recipient=recipient, occurrence=occurrence, object_key=f"occurrence:{occurrence.pk}", **values
        )

    return make


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """sweep(**kwargs): the sweep, with its after-commit hand-over run (the
    test's own transaction never commits); delivery runs eagerly."""
    from notifications import services

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.reminders_sweep(**kwargs)

    return run


@pytest.fixture
def chicago_couple(counselor):
    """Pat and Lou, invited by Dana as a couple living in Chicago."""
    from accounts.services import PartnerDetails, couple_invite

    return couple_invite(
        invited_by=counselor,
        partner_one=PartnerDetails(full_name="Pat Quinn", email="pat@example.test"),
        partner_two=PartnerDetails(full_name="Lou Quinn", email="lou@example.test"),
        time_zone="America/Chicago",
    )
