"""The database itself refuses inconsistent rows (services are not the only writers)."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from exercises.models import (
    Assignment,
    CompletionMode,
    ExerciseTemplate,
    Occurrence,
    Response,
    ResponseState,
    Visibility,
)

FIELDS = [{"key": "a", "kind": "yes_no", "label": "A", "help_text": "", "required": True}]


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


@pytest.fixture
def template(counselor):
    return ExerciseTemplate.objects.create(
        owner=counselor, slug="t", title="T", summary="s", instructions="i", fields=FIELDS
    )


@pytest.fixture
def assignment(template, couple, counselor):
    now = timezone.now()
    return Assignment.objects.create(
        template=template,
        couple=couple,
        assigned_by=counselor,
        fields=FIELDS,
        completion_mode=CompletionMode.EACH_PARTNER,
        visibility=Visibility.AFTER_BOTH,
        starts_on=now.date(),
        due_at=now + timedelta(days=1),
        generate_from=now,
    )


@pytest.fixture
def occurrence(assignment):
    return Occurrence.objects.create(assignment=assignment, sequence=1, due_at=assignment.due_at)


def _assignment(template, couple, counselor, **values) -> Assignment:
    now = timezone.now()
    defaults = dict(
        template=template,
        couple=couple,
        assigned_by=counselor,
        fields=FIELDS,
        completion_mode=CompletionMode.EACH_PARTNER,
        visibility=Visibility.AFTER_BOTH,
        starts_on=now.date(),
        generate_from=now,
    )
    return Assignment.objects.create(**{**defaults, **values})


def test_an_assignment_needs_a_due_time_or_a_recurrence_not_both(template, couple, counselor):
    due = timezone.now() + timedelta(days=1)
    assert refused(lambda: _assignment(template, couple, counselor))
    assert refused(lambda: _assignment(template, couple, counselor, due_at=due, rrule="FREQ=DAILY", due_time=time(9)))
    assert not refused(lambda: _assignment(template, couple, counselor, rrule="FREQ=DAILY", due_time=time(9)))


def test_a_recurrence_needs_a_time_of_day(template, couple, counselor):
    assert refused(lambda: _assignment(template, couple, counselor, rrule="FREQ=DAILY"))


def test_an_ended_assignment_says_when(template, couple, counselor):
    due = timezone.now() + timedelta(days=1)
    assert refused(lambda: _assignment(template, couple, counselor, due_at=due, status="ended"))
    assert refused(lambda: _assignment(template, couple, counselor, due_at=due, ended_at=timezone.now()))


def test_an_occurrence_is_unique_per_due_time_and_sequence(occurrence):
    assert refused(
        lambda: Occurrence.objects.create(assignment=occurrence.assignment, sequence=2, due_at=occurrence.due_at)
    )
    other_time = occurrence.due_at + timedelta(days=1)
    assert refused(lambda: Occurrence.objects.create(assignment=occurrence.assignment, sequence=1, due_at=other_time))


def test_one_response_per_partner_per_occurrence(occurrence, partner, other_partner):
    Response.objects.create(occurrence=occurrence, author=partner, last_edited_by=partner)
    assert refused(lambda: Response.objects.create(occurrence=occurrence, author=partner, last_edited_by=partner))
    assert not refused(
        lambda: Response.objects.create(occurrence=occurrence, author=other_partner, last_edited_by=other_partner)
    )


def test_one_joint_response_per_occurrence(occurrence, partner, other_partner):
    Response.objects.create(occurrence=occurrence, author=None, last_edited_by=partner)
    assert refused(lambda: Response.objects.create(occurrence=occurrence, author=None, last_edited_by=other_partner))


def test_a_submitted_response_has_a_submission_time(occurrence, partner):
    assert refused(
        lambda: Response.objects.create(
            occurrence=occurrence, author=partner, last_edited_by=partner, state=ResponseState.SUBMITTED
        )
    )


def test_only_a_submitted_response_is_reviewed_and_by_someone(occurrence, partner, counselor):
    now = timezone.now()
    assert refused(
        lambda: Response.objects.create(
            occurrence=occurrence, author=partner, last_edited_by=partner, reviewed_at=now, reviewed_by=counselor
        )
    )
    assert refused(
        lambda: Response.objects.create(
            occurrence=occurrence,
            author=partner,
            last_edited_by=partner,
            state=ResponseState.SUBMITTED,
            submitted_at=now,
            reviewed_at=now,
        )
    )


def test_a_built_in_has_no_owner_and_an_own_template_has_one(counselor):
    values = dict(title="X", summary="s", instructions="i", fields=FIELDS)
    assert refused(lambda: ExerciseTemplate.objects.create(slug="x1", is_builtin=True, owner=counselor, **values))
    assert refused(lambda: ExerciseTemplate.objects.create(slug="x2", is_builtin=False, owner=None, **values))


def test_a_joint_template_is_shared_at_once(counselor):
    assert refused(
        lambda: ExerciseTemplate.objects.create(
            owner=counselor,
            slug="j",
            title="J",
            summary="s",
            instructions="i",
            fields=FIELDS,
            completion_mode=CompletionMode.JOINT,
            visibility=Visibility.AFTER_BOTH,
        )
    )


def test_slugs_are_unique_among_built_ins_and_per_owner(counselor, other_counselor):
    values = dict(title="X", summary="s", instructions="i", fields=FIELDS)
    assert refused(lambda: ExerciseTemplate.objects.create(slug="i-statements", is_builtin=True, **values))
    ExerciseTemplate.objects.create(slug="mine", owner=counselor, **values)
    assert refused(lambda: ExerciseTemplate.objects.create(slug="mine", owner=counselor, **values))
    assert not refused(lambda: ExerciseTemplate.objects.create(slug="mine", owner=other_counselor, **values))


def test_str_says_what_it_is(occurrence, partner, builtin):
    assert str(builtin("i-statements")) == "“I” statements (built-in)"
    assert str(occurrence.assignment) == "T for Sam Lee & Riley Lee"
    response = Response.objects.create(occurrence=occurrence, author=partner, last_edited_by=partner)
    assert str(response) == f"Response (Sam Lee, Draft) to occurrence {occurrence.pk}"
