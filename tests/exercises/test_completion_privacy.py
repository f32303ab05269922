"""Under "counselor only" and for a high-conflict couple, a partner learns
nothing of the other's answer: not "both done", not ``completed_at``, not a
different list under ?state=completed."""

import pytest

from exercises import services
from exercises.models import Visibility

ANSWERS = {"feeling": "calm"}


@pytest.fixture
def private(make_template, assign, occurrence_of):
    return occurrence_of(assign(make_template(visibility=Visibility.COUNSELOR_ONLY)))


@pytest.fixture
def high_conflict(builtin, assign, occurrence_of, couple, counselor):
    services.couple_set_high_conflict(couple=couple, counselor=counselor, high_conflict=True)
    return occurrence_of(assign(builtin("i-statements")))


def both_answer(occurrence, couple, answers=ANSWERS):
    for partner in couple.partners:
        services.response_submit(occurrence=occurrence, user=partner, answers=answers)


def test_counselor_only_shows_no_both_done_on_the_partner_s_home(private, couple, partner, as_user):
    both_answer(private, couple)
    assert "both done" not in as_user(partner).get("/me/").content.decode()


def test_counselor_only_gives_no_completed_at_to_a_partner(private, couple, partner, as_user):
    both_answer(private, couple)
    (row,) = as_user(partner).get("/api/v1/occurrences/").json()["results"]
    assert row["completed_at"] is None


def test_counselor_only_state_filter_answers_the_same_whether_the_other_has_answered(
    private, couple, partner, other_partner, as_user
):
    services.response_submit(occurrence=private, user=partner, answers=ANSWERS)
    client = as_user(partner)
    before = client.get("/api/v1/occurrences/?state=completed").json()
    services.response_submit(occurrence=private, user=other_partner, answers=ANSWERS)
    assert client.get("/api/v1/occurrences/?state=completed").json() == before


def test_high_conflict_shows_no_both_done_on_the_partner_s_home(high_conflict, couple, partner, as_user):
    answers = {"i_feel": "hurt", "when": "plans change", "because": "I plan ahead", "would_like": "a call"}
    both_answer(high_conflict, couple, answers)
    assert "both done" not in as_user(partner).get("/me/").content.decode()


def test_the_counselor_still_sees_completion(private, couple, counselor, as_user):
    both_answer(private, couple)
    (row,) = as_user(counselor).get("/api/v1/occurrences/").json()["results"]
    assert row["completed_at"] is not None
