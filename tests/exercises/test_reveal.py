"""The reveal rules: who may read an answer, in policy and in the selector alike."""

from __future__ import annotations

import pytest
from django.http import Http404

from accounts.models import AuditEvent
from exercises import services
from exercises.models import CompletionMode, Visibility
from exercises.selectors import comments_visible_to, responses_visible_to
from portal.policy import can_view_comment, can_view_response
from tests.factories import PracticeAdminFactory

GOOD = {"feeling": "hopeful"}


def sees(user, response) -> bool:
    """Policy and selector must agree; this checks both and returns the answer."""
    by_policy = can_view_response(user, response)
    by_query = responses_visible_to(user).filter(pk=response.pk).exists()
    assert by_policy == by_query, f"policy says {by_policy}, selector says {by_query}"
    return by_policy


@pytest.fixture
def occurrence_with(make_template, assign, occurrence_of):
    """occurrence_with(visibility) -> an occurrence of an each-partner exercise with that visibility."""
    return lambda visibility: occurrence_of(assign(make_template(visibility=visibility)))


def submit(occurrence, user, answers=GOOD):
    return services.response_submit(occurrence=occurrence, user=user, answers=answers)


# --- After both -------------------------------------------------------------------------


def test_after_both_an_answer_is_hidden_from_the_partner_until_they_submit(occurrence_with, partner, other_partner):
    occurrence = occurrence_with(Visibility.AFTER_BOTH)
    sams = submit(occurrence, partner)
    assert not sees(other_partner, sams)
    rileys = submit(occurrence, other_partner)
    assert sees(other_partner, sams)
    assert sees(partner, rileys)


def test_after_both_a_draft_does_not_unlock_the_partners_answer(occurrence_with, partner, other_partner):
    occurrence = occurrence_with(Visibility.AFTER_BOTH)
    sams = submit(occurrence, partner)
    services.response_save_draft(occurrence=occurrence, user=other_partner, answers={"feeling": "unsure"})
    assert not sees(other_partner, sams)


def test_a_draft_is_never_shown_to_the_partner(occurrence_with, partner, other_partner):
    occurrence = occurrence_with(Visibility.AT_ONCE)
    draft = services.response_save_draft(occurrence=occurrence, user=partner, answers=GOOD)
    submit(occurrence, other_partner)
    assert sees(partner, draft)
    assert not sees(other_partner, draft)


# --- At once, counselor only ------------------------------------------------------------------


def test_at_once_the_partner_sees_a_submitted_answer_straight_away(occurrence_with, partner, other_partner):
    sams = submit(occurrence_with(Visibility.AT_ONCE), partner)
    assert sees(other_partner, sams)


def test_counselor_only_is_never_shown_to_the_partner(occurrence_with, partner, other_partner, counselor):
    occurrence = occurrence_with(Visibility.COUNSELOR_ONLY)
    sams, rileys = submit(occurrence, partner), submit(occurrence, other_partner)
    assert not sees(other_partner, sams)
    assert not sees(partner, rileys)
    assert sees(counselor, sams) and sees(partner, sams)


# --- High conflict ----------------------------------------------------------------------------


@pytest.mark.parametrize("visibility", [Visibility.AT_ONCE, Visibility.AFTER_BOTH])
def test_high_conflict_turns_sharing_off_whatever_the_template_says(
    occurrence_with, visibility, partner, other_partner, counselor, couple
):
    occurrence = occurrence_with(visibility)
    sams, _ = submit(occurrence, partner), submit(occurrence, other_partner)
    services.couple_set_high_conflict(couple=couple, counselor=counselor, high_conflict=True)
    assert not sees(other_partner, sams)
    assert sees(counselor, sams) and sees(partner, sams)


def test_turning_high_conflict_off_restores_sharing(occurrence_with, partner, other_partner, counselor, couple):
    sams = submit(occurrence_with(Visibility.AT_ONCE), partner)
    services.couple_set_high_conflict(couple=couple, counselor=counselor, high_conflict=True)
    services.couple_set_high_conflict(couple=couple, counselor=counselor, high_conflict=False)
    assert sees(other_partner, sams)
    assert AuditEvent.objects.filter(action="couple.high_conflict_set").count() == 2


def test_only_the_couples_counselor_sets_high_conflict(couple, other_counselor, partner):
    from django.core.exceptions import PermissionDenied

    for user in (other_counselor, partner):
        with pytest.raises(PermissionDenied):
            services.couple_set_high_conflict(couple=couple, counselor=user, high_conflict=True)


# --- Joint, counselors, admins ---------------------------------------------------------------


def test_a_joint_answer_is_seen_by_both_partners_even_in_draft(
    make_template, assign, occurrence_of, partner, other_partner
):
    template = make_template(completion_mode=CompletionMode.JOINT, visibility=Visibility.AT_ONCE)
    occurrence = occurrence_of(assign(template))
    draft = services.response_save_draft(occurrence=occurrence, user=partner, answers=GOOD)
    assert sees(partner, draft) and sees(other_partner, draft)


def test_the_counselor_reads_submitted_answers_but_not_drafts(occurrence_with, partner, other_partner, counselor):
    occurrence = occurrence_with(Visibility.AFTER_BOTH)
    sams = submit(occurrence, partner)
    draft = services.response_save_draft(occurrence=occurrence, user=other_partner, answers=GOOD)
    assert sees(counselor, sams)
    assert not sees(counselor, draft)


def test_a_secondary_counselor_on_the_caseload_reads_answers(occurrence_with, partner, other_counselor, couple):
    sams = submit(occurrence_with(Visibility.COUNSELOR_ONLY), partner)
    assert not sees(other_counselor, sams)
    couple.other_counselors.add(other_counselor)
    assert sees(other_counselor, sams)


def test_a_practice_admin_never_sees_answer_content(occurrence_with, partner, other_partner, practice_admin):
    occurrence = occurrence_with(Visibility.AT_ONCE)
    for response in (submit(occurrence, partner), submit(occurrence, other_partner)):
        assert not sees(practice_admin, response)
    superuser_admin = PracticeAdminFactory(is_superuser=True, is_staff=True)
    assert not responses_visible_to(superuser_admin).exists()


def test_people_outside_the_couple_see_nothing(occurrence_with, partner, other_couple, other_counselor):
    sams = submit(occurrence_with(Visibility.AT_ONCE), partner)
    for outsider in (other_couple.partner_one, other_counselor):
        assert not sees(outsider, sams)


def test_an_inactive_partner_sees_nothing(occurrence_with, partner):
    sams = submit(occurrence_with(Visibility.AT_ONCE), partner)
    partner.is_active = False
    assert not sees(partner, sams)


# --- Every combination: policy and selector agree --------------------------------------------


@pytest.mark.parametrize("visibility", Visibility.values)
@pytest.mark.parametrize("high_conflict", [False, True])
def test_policy_and_selector_agree_for_every_persona(occurrence_with, personas, visibility, high_conflict):
    occurrence = occurrence_with(visibility)
    responses = [submit(occurrence, personas.partner)]
    responses.append(services.response_save_draft(occurrence=occurrence, user=personas.other_partner, answers={}))
    if high_conflict:
        services.couple_set_high_conflict(couple=personas.couple, counselor=personas.counselor, high_conflict=True)
    people = [personas.counselor, personas.other_counselor, personas.admin, personas.partner, personas.other_partner]
    for user in [*people, personas.other_couple.partner_one]:
        for response in responses:
            sees(user, response)  # asserts agreement


# --- Comments ------------------------------------------------------------------------------------


def test_a_comment_on_an_answer_is_as_private_as_the_answer(occurrence_with, partner, other_partner, counselor):
    occurrence = occurrence_with(Visibility.AFTER_BOTH)
    sams = submit(occurrence, partner)
    comment = services.comment_add(counselor=counselor, response=sams, body="Thank you for this.")
    assert can_view_comment(partner, comment)
    assert not can_view_comment(other_partner, comment)
    assert not comments_visible_to(other_partner).exists()
    submit(occurrence, other_partner)
    assert can_view_comment(other_partner, comment)
    assert list(comments_visible_to(other_partner)) == [comment]


def test_a_comment_on_an_occurrence_is_for_the_couple_and_not_the_admin(
    occurrence_with, partner, other_partner, counselor, practice_admin
):
    occurrence = occurrence_with(Visibility.COUNSELOR_ONLY)
    comment = services.comment_add(counselor=counselor, occurrence=occurrence, body="See you Thursday.")
    assert all(can_view_comment(user, comment) for user in (partner, other_partner, counselor))
    assert not can_view_comment(practice_admin, comment)
    assert not comments_visible_to(practice_admin).exists()


# --- Opening an answer is audited ---------------------------------------------------------------


def test_opening_someone_elses_answer_is_recorded(occurrence_with, partner, counselor):
    sams = submit(occurrence_with(Visibility.AT_ONCE), partner)
    services.response_open(viewer=counselor, response=sams)
    event = AuditEvent.objects.get(action="response.viewed")
    assert (event.actor, event.target_id) == (counselor, str(sams.pk))


def test_opening_ones_own_answer_is_not_recorded(occurrence_with, partner):
    sams = submit(occurrence_with(Visibility.AT_ONCE), partner)
    services.response_open(viewer=partner, response=sams)
    assert not AuditEvent.objects.filter(action="response.viewed").exists()


def test_opening_an_answer_one_may_not_read_is_404_and_records_nothing(occurrence_with, partner, practice_admin):
    sams = submit(occurrence_with(Visibility.AT_ONCE), partner)
    with pytest.raises(Http404):
        services.response_open(viewer=practice_admin, response=sams)
    assert not AuditEvent.objects.filter(action="response.viewed").exists()


def test_a_list_of_answers_is_recorded_in_one_insert(
    occurrence_with, partner, other_partner, counselor, django_assert_num_queries
):
    occurrence = occurrence_with(Visibility.AT_ONCE)
    responses = [submit(occurrence, partner), submit(occurrence, other_partner)]
    with django_assert_num_queries(2):  # the audit chain's head (accounts.audit_chain), then one insert
        services.responses_record_access(viewer=counselor, responses=responses)
    assert AuditEvent.objects.filter(action="response.viewed").count() == 2
