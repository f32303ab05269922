"""Who starts a conversation, and what a start writes."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.models import AuditAction, AuditEvent
from messaging import services
from messaging.models import MAX_SUBJECT, ThreadKind


def test_a_counselor_starts_a_joint_thread_with_its_first_message(counselor, couple):
    thread = services.thread_start(actor=counselor, couple=couple, kind="joint", body="Welcome.")
    assert thread.kind == ThreadKind.JOINT and thread.partner is None
    assert [m.body for m in thread.messages.all()] == ["Welcome."]


def test_a_counselor_starts_a_private_thread_with_one_partner(counselor, couple, partner):
    thread = services.thread_start(actor=counselor, couple=couple, kind="private", partner=partner, body="Hi.")
    assert (thread.kind, thread.partner_id) == (ThreadKind.PRIVATE, partner.pk)


def test_a_counselor_may_start_several_joint_threads(start, couple):
    start("joint", couple=couple)
    start("joint", couple=couple)
    assert couple.threads.filter(kind="joint").count() == 2


def test_a_client_cannot_start_a_thread_by_default(partner, couple):
    with pytest.raises(PermissionDenied):
        services.thread_start(actor=partner, couple=couple, kind="joint", body="Hello.")


def test_the_practice_setting_lets_a_client_start_the_joint_thread(clients_may_start, partner, couple):
    thread = services.thread_start(actor=partner, couple=couple, kind="joint", body="Hello.")
    assert thread.started_by == partner


def test_the_practice_setting_lets_a_client_start_their_own_private_thread(clients_may_start, partner, couple):
    thread = services.thread_start(actor=partner, couple=couple, kind="private", partner=partner, body="Hi.")
    assert thread.partner == partner


def test_a_client_never_starts_the_other_partners_private_thread(clients_may_start, partner, other_partner, couple):
    with pytest.raises(PermissionDenied):
        services.thread_start(actor=partner, couple=couple, kind="private", partner=other_partner, body="Hi.")


def test_a_high_conflict_couple_gets_no_joint_thread(high_conflict, counselor):
    with pytest.raises(PermissionDenied, match="high-conflict"):
        services.thread_start(actor=counselor, couple=high_conflict, kind="joint", body="Hello.")


def test_a_high_conflict_couple_still_gets_private_threads(high_conflict, counselor, partner):
    thread = services.thread_start(actor=counselor, couple=high_conflict, kind="private", partner=partner, body="Hi.")
    assert thread.is_private


def test_another_counselor_gets_404_for_a_couple_not_on_their_caseload(other_counselor, couple):
    with pytest.raises(Http404):
        services.thread_start(actor=other_counselor, couple=couple, kind="joint", body="Hello.")


def test_a_client_gets_404_for_another_couple(clients_may_start, partner, other_couple):
    with pytest.raises(Http404):
        services.thread_start(actor=partner, couple=other_couple, kind="joint", body="Hello.")


def test_the_practice_admin_sees_the_couple_but_may_not_start_a_thread(practice_admin, couple):
    with pytest.raises(PermissionDenied):
        services.thread_start(actor=practice_admin, couple=couple, kind="joint", body="Hello.")


def test_a_private_thread_names_a_partner_of_the_couple(counselor, couple, other_couple):
    with pytest.raises(ValidationError) as refused:
        services.thread_start(
            actor=counselor, couple=couple, kind="private", partner=other_couple.partner_one, body="Hi."
        )
    assert "partner" in refused.value.message_dict


def test_an_empty_first_message_is_refused_on_body(counselor, couple):
    with pytest.raises(ValidationError) as refused:
        services.thread_start(actor=counselor, couple=couple, kind="joint", body="   ")
    assert "body" in refused.value.message_dict


def test_a_subject_over_the_limit_is_refused_on_subject(counselor, couple):
    with pytest.raises(ValidationError) as refused:
        services.thread_start(actor=counselor, couple=couple, kind="joint", subject="x" * (MAX_SUBJECT + 1), body="Hi.")
    assert "subject" in refused.value.message_dict


def test_starting_is_audited_with_ids_and_no_content(counselor, couple):
    thread = services.thread_start(
        actor=counselor, couple=couple, kind="joint", subject="Money talk", body="About the budget."
    )
    event = AuditEvent.objects.get(action=AuditAction.THREAD_STARTED)
    assert (event.target_id, event.details["couple"]) == (str(thread.pk), couple.pk)
    assert "Money" not in str(event.details) and "budget" not in str(event.details)


def test_a_refused_start_writes_nothing(partner, couple):
    with pytest.raises(PermissionDenied):
        services.thread_start(actor=partner, couple=couple, kind="joint", body="Hello.")
    assert not couple.threads.exists()
