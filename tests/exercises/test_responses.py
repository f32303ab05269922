"""Answering: drafts, submissions checked against the fields, versions on
edit, nothing changed after review; reviews and comments by the counselor."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from exercises import services
from exercises.models import CompletionMode, Response, ResponseState, ResponseVersion, Visibility

GOOD = {"feeling": "hopeful", "closeness": 4}


@pytest.fixture
def occurrence(make_template, assign, occurrence_of):
    return occurrence_of(assign(make_template()))


@pytest.fixture
def joint_occurrence(make_template, assign, occurrence_of):
    template = make_template(completion_mode=CompletionMode.JOINT, visibility=Visibility.AT_ONCE)
    return occurrence_of(assign(template))


def test_a_partner_saves_a_draft_with_required_answers_missing(occurrence, partner):
    response = services.response_save_draft(occurrence=occurrence, user=partner, answers={"closeness": 2})
    assert (response.state, response.author, response.answers) == (ResponseState.DRAFT, partner, {"closeness": 2})


def test_saving_a_draft_again_updates_the_same_response(occurrence, partner):
    services.response_save_draft(occurrence=occurrence, user=partner, answers={"closeness": 2})
    services.response_save_draft(occurrence=occurrence, user=partner, answers={"feeling": "calm"})
    assert Response.objects.get().answers == {"feeling": "calm"}


def test_a_draft_with_a_bad_answer_is_refused_and_nothing_is_saved(occurrence, partner):
    with pytest.raises(ValidationError) as caught:
        services.response_save_draft(occurrence=occurrence, user=partner, answers={"closeness": 7})
    assert list(caught.value.message_dict) == ["closeness"]
    assert not Response.objects.exists()


def test_submitting_checks_every_field_and_saves_nothing_on_error(occurrence, partner):
    services.response_save_draft(occurrence=occurrence, user=partner, answers={"feeling": "calm"})
    with pytest.raises(ValidationError) as caught:
        services.response_submit(occurrence=occurrence, user=partner, answers={"feeling": "x" * 51, "mood": "?"})
    assert set(caught.value.message_dict) == {"feeling", "mood"}
    response = Response.objects.get()
    assert (response.state, response.answers) == (ResponseState.DRAFT, {"feeling": "calm"})
    assert not AuditEvent.objects.filter(action__startswith="response.").exists()


def test_a_submission_is_recorded_without_its_content(occurrence, partner):
    response = services.response_submit(occurrence=occurrence, user=partner, answers=GOOD)
    assert response.state == ResponseState.SUBMITTED and response.submitted_at
    event = AuditEvent.objects.get(action="response.submitted")
    assert event.details == {"version": 1}
    assert "hopeful" not in str(event.details)


def test_editing_a_submitted_answer_keeps_the_earlier_version(occurrence, partner):
    first = services.response_submit(occurrence=occurrence, user=partner, answers=GOOD)
    first_submitted_at = first.submitted_at
    edited = services.response_submit(occurrence=occurrence, user=partner, answers={"feeling": "calmer"})
    assert (edited.pk, edited.version, edited.answers) == (first.pk, 2, {"feeling": "calmer"})
    (old,) = ResponseVersion.objects.filter(response=edited)
    assert (old.version, old.answers, old.submitted_at, old.submitted_by) == (1, GOOD, first_submitted_at, partner)
    assert AuditEvent.objects.filter(action="response.edited").count() == 1


def test_submitting_the_same_answers_again_makes_no_new_version(occurrence, partner):
    services.response_submit(occurrence=occurrence, user=partner, answers=GOOD)
    services.response_submit(occurrence=occurrence, user=partner, answers=dict(GOOD))
    assert Response.objects.get().version == 1
    assert not ResponseVersion.objects.exists()


def test_an_answer_cannot_be_edited_after_review(occurrence, partner, counselor):
    response = services.response_submit(occurrence=occurrence, user=partner, answers=GOOD)
    services.response_mark_reviewed(response=response, counselor=counselor)
    with pytest.raises(ValidationError, match="already reviewed"):
        services.response_submit(occurrence=occurrence, user=partner, answers={"feeling": "changed"})
    assert Response.objects.get().answers == GOOD
    assert not ResponseVersion.objects.exists()


def test_a_submitted_answer_is_not_turned_back_into_a_draft(occurrence, partner):
    services.response_submit(occurrence=occurrence, user=partner, answers=GOOD)
    with pytest.raises(ValidationError):
        services.response_save_draft(occurrence=occurrence, user=partner, answers={"feeling": "hmm"})
    assert Response.objects.get().state == ResponseState.SUBMITTED


def test_the_occurrence_is_complete_once_both_partners_submit(occurrence, partner, other_partner):
    services.response_submit(occurrence=occurrence, user=partner, answers=GOOD)
    occurrence.refresh_from_db()
    assert occurrence.completed_at is None
    services.response_submit(occurrence=occurrence, user=other_partner, answers=GOOD)
    occurrence.refresh_from_db()
    assert occurrence.completed_at is not None


def test_a_joint_answer_is_one_for_the_couple(joint_occurrence, partner, other_partner):
    services.response_save_draft(occurrence=joint_occurrence, user=partner, answers={"feeling": "ok"})
    response = services.response_submit(occurrence=joint_occurrence, user=other_partner, answers=GOOD)
    assert Response.objects.count() == 1
    assert (response.author, response.last_edited_by) == (None, other_partner)
    joint_occurrence.refresh_from_db()
    assert joint_occurrence.completed_at is not None


def test_either_partner_may_edit_a_joint_answer_and_the_version_is_kept(joint_occurrence, partner, other_partner):
    services.response_submit(occurrence=joint_occurrence, user=partner, answers=GOOD)
    services.response_submit(occurrence=joint_occurrence, user=other_partner, answers={"feeling": "ours"})
    assert ResponseVersion.objects.get().submitted_by == partner


@pytest.mark.parametrize("who", ["counselor", "practice_admin", "other_counselor"])
def test_only_partners_answer(occurrence, who, request):
    with pytest.raises(PermissionDenied):
        services.response_submit(occurrence=occurrence, user=request.getfixturevalue(who), answers=GOOD)


def test_a_partner_of_another_couple_cannot_answer(occurrence, other_couple):
    with pytest.raises(PermissionDenied):
        services.response_submit(occurrence=occurrence, user=other_couple.partner_one, answers=GOOD)


def test_a_paused_assignment_takes_no_answers(occurrence, partner, counselor):
    services.assignment_pause(assignment=occurrence.assignment, counselor=counselor)
    with pytest.raises(ValidationError, match="paused"):
        services.response_submit(occurrence=occurrence, user=partner, answers=GOOD)


# --- Review and comments -----------------------------------------------------------------


def test_marking_reviewed_is_recorded_and_idempotent(occurrence, partner, counselor):
    response = services.response_submit(occurrence=occurrence, user=partner, answers=GOOD)
    reviewed = services.response_mark_reviewed(response=response, counselor=counselor)
    again = services.response_mark_reviewed(response=response, counselor=counselor)
    assert reviewed.reviewed_by == counselor and again.reviewed_at == reviewed.reviewed_at
    assert AuditEvent.objects.filter(action="response.reviewed").count() == 1


def test_a_draft_cannot_be_marked_reviewed(occurrence, partner, counselor):
    draft = services.response_save_draft(occurrence=occurrence, user=partner, answers={})
    with pytest.raises(ValidationError):
        services.response_mark_reviewed(response=draft, counselor=counselor)


def test_another_counselor_cannot_review(occurrence, partner, other_counselor):
    response = services.response_submit(occurrence=occurrence, user=partner, answers=GOOD)
    with pytest.raises(PermissionDenied):
        services.response_mark_reviewed(response=response, counselor=other_counselor)


def test_a_counselor_comments_on_an_answer_or_an_occurrence(occurrence, partner, counselor):
    response = services.response_submit(occurrence=occurrence, user=partner, answers=GOOD)
    on_answer = services.comment_add(counselor=counselor, response=response, body=" Well put. ")
    on_occurrence = services.comment_add(counselor=counselor, occurrence=occurrence, body="Talk it over on Sunday.")
    assert (on_answer.body, on_answer.occurrence, on_answer.response) == ("Well put.", occurrence, response)
    assert on_occurrence.response is None
    assert AuditEvent.objects.filter(action="exercise_comment.added").count() == 2


def test_an_empty_comment_is_refused(occurrence, counselor):
    with pytest.raises(ValidationError) as caught:
        services.comment_add(counselor=counselor, occurrence=occurrence, body="   ")
    assert "body" in caught.value.message_dict


def test_a_draft_cannot_be_commented_on(occurrence, partner, counselor):
    draft = services.response_save_draft(occurrence=occurrence, user=partner, answers={})
    with pytest.raises(ValidationError):
        services.comment_add(counselor=counselor, response=draft, body="Hm")


@pytest.mark.parametrize("who", ["partner", "practice_admin", "other_counselor"])
def test_only_the_couples_counselor_comments(occurrence, who, request):
    with pytest.raises(PermissionDenied):
        services.comment_add(counselor=request.getfixturevalue(who), occurrence=occurrence, body="Hello")
