"""Refusals: 404 outside one's scope, a clear 403 where the object is visible
and the action is not, and never a 200 for a POST that did nothing."""

import pytest

from exercises.models import Response


@pytest.fixture
def occurrence(builtin, assign, occurrence_of):
    return occurrence_of(assign(builtin("i-statements")))


def test_a_counselor_posting_an_answer_on_the_page_gets_403_and_nothing_is_saved(occurrence, counselor, as_user):
    url = f"/exercises/occurrences/{occurrence.pk}/"
    response = as_user(counselor).post(url, {"intent": "submit", "i_feel": "hurt"})
    assert response.status_code == 403
    assert not Response.objects.exists()


def test_a_counselor_answering_through_the_api_gets_403_whatever_the_body(occurrence, counselor, as_user):
    url = f"/api/v1/occurrences/{occurrence.pk}/responses/"
    response = as_user(counselor).post(url, {"answers": "not an object"}, content_type="application/json")
    assert response.status_code == 403
    assert "partners" in response.json()["detail"]


def test_a_partner_editing_their_assignment_s_note_gets_403_whatever_the_body(occurrence, partner, as_user):
    url = f"/api/v1/assignments/{occurrence.assignment_id}/"
    response = as_user(partner).patch(url, {"note": 5 * "x" * 1000}, content_type="application/json")
    assert response.status_code == 403


def test_a_partner_pausing_another_couple_s_assignment_gets_404(occurrence, other_couple, as_user):
    url = f"/api/v1/assignments/{occurrence.assignment_id}/pause/"
    assert as_user(other_couple.partner_one).post(url).status_code == 404


def test_a_partner_pausing_their_own_assignment_gets_a_clear_403(occurrence, partner, as_user):
    response = as_user(partner).post(f"/api/v1/assignments/{occurrence.assignment_id}/pause/")
    assert response.status_code == 403
    assert response.json()["detail"]
