"""Exercise pages answer 404 to anyone outside the couple or its caseload,
and a practice admin never reaches an answer."""

import pytest

from exercises import services

PARTNER_ANSWERS = {"i_feel": "hurt", "when": "plans change", "because": "I plan ahead", "would_like": "a call"}


@pytest.fixture
def occurrence(builtin, assign, occurrence_of, partner):
    occurrence = occurrence_of(assign(builtin("i-statements")))
    services.response_submit(occurrence=occurrence, user=partner, answers=PARTNER_ANSWERS)
    return occurrence


@pytest.mark.parametrize("who", ["other_counselor", "practice_admin"])
def test_outsider_staff_get_404_on_the_occurrence_page(who, request, occurrence, as_user):
    user = request.getfixturevalue(who)
    assert as_user(user).get(f"/exercises/occurrences/{occurrence.pk}/").status_code == 404


def test_partner_of_another_couple_gets_404_on_the_occurrence_page(other_couple, occurrence, as_user):
    assert as_user(other_couple.partner_one).get(f"/exercises/occurrences/{occurrence.pk}/").status_code == 404


def test_partner_of_another_couple_cannot_answer(other_couple, occurrence, as_user):
    response = as_user(other_couple.partner_one).post(
        f"/exercises/occurrences/{occurrence.pk}/", {"answer-i_feel": "x", "intent": "draft"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["other_counselor", "practice_admin"])
def test_outsider_staff_get_404_on_the_couples_exercises_page(who, request, couple, as_user):
    assert as_user(request.getfixturevalue(who)).get(f"/couples/{couple.pk}/exercises/").status_code == 404


@pytest.mark.parametrize("who", ["other_counselor", "practice_admin", "partner"])
def test_only_the_caseload_marks_an_answer_reviewed(who, request, occurrence, as_user):
    answer = occurrence.responses.get()
    response = as_user(request.getfixturevalue(who)).post(f"/exercises/responses/{answer.pk}/review/")
    assert response.status_code == 404
    answer.refresh_from_db()
    assert answer.reviewed_at is None


@pytest.mark.parametrize("who", ["other_counselor", "practice_admin", "partner"])
def test_only_the_caseload_comments(who, request, occurrence, as_user):
    url = f"/exercises/occurrences/{occurrence.pk}/comments/"
    assert as_user(request.getfixturevalue(who)).post(url, {"body": "hi"}).status_code == 404


@pytest.mark.parametrize("who", ["other_counselor", "practice_admin"])
def test_outsider_staff_cannot_pause_an_assignment(who, request, occurrence, as_user):
    url = f"/exercises/assignments/{occurrence.assignment_id}/pause/"
    assert as_user(request.getfixturevalue(who)).post(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["partner", "practice_admin"])
def test_the_library_is_for_counselors(who, request, as_user):
    assert as_user(request.getfixturevalue(who)).get("/exercises/").status_code == 404


def test_a_counselor_gets_404_on_another_counselors_own_template(counselor, other_counselor, as_user):
    theirs = services.template_create(
        owner=other_counselor,
        title="Theirs",
        summary="s",
        instructions="i",
        fields=[{"key": "a", "kind": "short_text", "label": "A"}],
    )
    assert as_user(counselor).get(f"/exercises/templates/{theirs.pk}/").status_code == 404
