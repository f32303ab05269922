"""Measures: assigned like an exercise on a recurrence, each submission scored
and stored; a missing answer is a 400 on the page and in the API; counselors
write their own."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from exercises import selectors as exercise_selectors
from exercises import services as exercise_services
from exercises.models import Assignment, ExerciseTemplate, Response
from progress.models import Measure, MeasureScore
from tests.exercises.helpers import SIMPLE_FIELDS
from tests.progress.helpers import ALL_FOURS


def test_assigning_a_measure_makes_a_recurring_exercise_of_required_scales(intimacy, assign_measure, counselor):
    assignment = assign_measure(intimacy)
    assert assignment.rrule == "FREQ=WEEKLY;INTERVAL=2"
    assert [f["key"] for f in assignment.fields] == [item["key"] for item in intimacy.items]
    assert all(f["kind"] == "scale" and f["required"] for f in assignment.fields)
    assert assignment.template.owner == counselor
    assert assignment.occurrences.count() >= 1


def test_assigning_twice_reuses_the_counselor_s_backing_template(intimacy, assign_measure):
    first, second = assign_measure(intimacy), assign_measure(intimacy)
    assert first.template_id == second.template_id
    assert ExerciseTemplate.objects.filter(title=intimacy.title).count() == 1


def test_a_measure_s_template_is_not_in_the_exercise_library(intimacy, assign_measure, counselor, as_user):
    template = assign_measure(intimacy).template
    assert template not in exercise_selectors.templates_visible_to(counselor)
    assert as_user(counselor).get(f"/exercises/templates/{template.pk}/").status_code == 404


def test_a_measure_s_template_cannot_be_edited_or_copied_as_an_exercise(intimacy, assign_measure, counselor):
    template = assign_measure(intimacy).template
    with pytest.raises(PermissionDenied):
        exercise_services.template_update(template=template, actor=counselor, title="Something else")
    with pytest.raises(PermissionDenied):
        exercise_services.template_copy(template=template, counselor=counselor)


def test_a_changed_measure_is_followed_by_its_template_at_the_next_assignment(intimacy, assign_measure, counselor):
    template = assign_measure(intimacy).template
    Measure.objects.filter(pk=intimacy.pk).update(title="Closeness check, revised")
    intimacy.refresh_from_db()
    assert assign_measure(intimacy).template.pk == template.pk
    template.refresh_from_db()
    assert template.title == "Closeness check, revised"


def test_a_submission_keeps_its_answers_and_its_computed_score(
    intimacy, assign_measure, first_occurrence, answer, partner
):
    response = answer(first_occurrence(assign_measure(intimacy)), partner, ALL_FOURS)
    stored = MeasureScore.objects.get(response=response)
    assert response.answers == ALL_FOURS
    assert stored.score == Decimal("3.67")  # mutuality reversed: (5 * 4 + 2) / 6
    assert stored.band == "Connected"
    assert (stored.partner, stored.couple_id, stored.measure) == (
        partner,
        response.occurrence.assignment.couple_id,
        intimacy,
    )


def test_editing_a_submitted_answer_recomputes_its_score(intimacy, assign_measure, first_occurrence, answer, partner):
    occurrence = first_occurrence(assign_measure(intimacy))
    answer(occurrence, partner, ALL_FOURS)
    response = answer(occurrence, partner, {**ALL_FOURS, "mutuality": 1})
    assert MeasureScore.objects.get(response=response).score == Decimal("4.17")  # (20 + 5) / 6
    assert MeasureScore.objects.count() == 1


def test_an_ordinary_exercise_gets_no_score(counselor, couple, partner, first_occurrence, answer):
    template = exercise_services.template_create(
        owner=counselor, title="Feelings", summary="s", instructions="i", fields=SIMPLE_FIELDS
    )
    assignment = exercise_services.assignment_create(
        counselor=counselor,
        couple=couple,
        template=template,
        starts_on=timezone.localdate(),
        due_on=timezone.localdate() + timedelta(days=1),
        due_time=time(19, 0),
    )
    answer(first_occurrence(assignment), partner, {"feeling": "calm"})
    assert not MeasureScore.objects.exists()


def test_a_missing_answer_is_rejected_with_400_by_the_api(intimacy, assign_measure, first_occurrence, as_user, partner):
    occurrence = first_occurrence(assign_measure(intimacy))
    answers = {k: v for k, v in ALL_FOURS.items() if k != "caring"}
    response = as_user(partner).post(
        f"/api/v1/occurrences/{occurrence.pk}/responses/",
        {"answers": answers, "submit": True},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "caring" in response.json()
    assert not Response.objects.filter(state="submitted").exists() and not MeasureScore.objects.exists()


def test_a_missing_answer_is_rejected_with_400_by_the_page(
    intimacy, assign_measure, first_occurrence, as_user, partner
):
    occurrence = first_occurrence(assign_measure(intimacy))
    form = {k: str(v) for k, v in ALL_FOURS.items() if k != "trust"}
    response = as_user(partner).post(f"/exercises/occurrences/{occurrence.pk}/", {**form, "intent": "submit_anyway"})
    assert response.status_code == 400
    assert b"This question needs an answer." in response.content
    assert not MeasureScore.objects.exists()


def test_a_counselor_writes_a_measure_on_the_page(counselor, as_user):
    response = as_user(counselor).post(
        "/measures/new/",
        {
            "title": "Weekly closeness",
            "items": "We talked about our day.\n(R) I felt alone in the relationship.",
            "scoring": "sum",
            "bands": "Far, 2, 5\nNear, 6, 10",
            "visibility": "counselor_only",
        },
    )
    measure = Measure.objects.get(owner=counselor)
    assert response.status_code == 302 and response.url == f"/measures/{measure.pk}/"
    assert [i["reversed"] for i in measure.items] == [False, True]
    assert measure.bands[1] == {"label": "Near", "min": "6.00", "max": "10.00"}


def test_a_measure_with_overlapping_bands_is_a_400_on_the_page(counselor, as_user):
    response = as_user(counselor).post(
        "/measures/new/",
        {"title": "M", "items": "One\nTwo", "scoring": "mean", "bands": "A, 1, 3\nB, 2, 5", "visibility": "after_both"},
    )
    assert response.status_code == 400
    assert not Measure.objects.filter(owner=counselor).exists()


def test_a_counselor_writes_and_assigns_a_measure_through_the_api(counselor, couple, as_user):
    client = as_user(counselor)
    created = client.post(
        "/api/v1/measures/",
        {"title": "Calm", "items": [{"key": "calm", "text": "I felt calm.", "reversed": False}], "scoring": "mean"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assigned = client.post(
        f"/api/v1/measures/{created.json()['id']}/assign/",
        {
            "couple": couple.pk,
            "starts_on": str(timezone.localdate() + timedelta(days=3)),
            "due_time": "19:00",
            "rrule": "FREQ=WEEKLY;INTERVAL=2",
        },
        content_type="application/json",
    )
    assert assigned.status_code == 201, assigned.content
    assert Assignment.objects.get(pk=assigned.json()["id"]).template.measure_link.measure_id == created.json()["id"]


def test_a_measure_without_statements_is_a_400_in_the_api(counselor, as_user):
    response = as_user(counselor).post(
        "/api/v1/measures/", {"title": "Empty", "items": [{"key": "x", "text": " "}]}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "items" in response.json()


def test_the_measures_api_lists_built_ins_and_one_s_own_only(counselor, other_counselor, as_user, intimacy):
    from progress.services import measure_create

    mine = measure_create(owner=counselor, title="Mine", items=[{"key": "a", "text": "A", "reversed": False}])
    measure_create(owner=other_counselor, title="Theirs", items=[{"key": "a", "text": "A", "reversed": False}])
    listed = {m["title"] for m in as_user(counselor).get("/api/v1/measures/").json()["results"]}
    assert listed == {intimacy.title, mine.title}


def test_a_client_cannot_open_the_measures_page(partner, as_user):
    assert as_user(partner).get("/measures/").status_code == 404
