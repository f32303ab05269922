"""Posting, editing and deleting: who, when, and what is kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.models import AuditAction, AuditEvent, CoupleStatus
from messaging import services, signals
from messaging.models import MAX_BODY, MessageRevision, RevisionReason, Thread


def test_a_partner_replies_in_the_joint_thread(partner, joint):
    message = services.message_post(actor=partner, thread=joint, body="Thanks!")
    assert message.author == partner


def test_a_post_moves_the_threads_last_message_time(partner, joint):
    message = services.message_post(actor=partner, thread=joint, body="Thanks!")
    assert Thread.objects.get(pk=joint.pk).last_message_at == message.created_at


def test_a_partner_gets_404_posting_in_the_other_partners_private_thread(partner, rileys_private):
    with pytest.raises(Http404):
        services.message_post(actor=partner, thread=rileys_private, body="Peek.")


def test_the_practice_admin_gets_404_posting(practice_admin, joint):
    with pytest.raises(Http404):
        services.message_post(actor=practice_admin, thread=joint, body="Hello.")


def test_a_joint_thread_is_read_only_for_partners_once_high_conflict(joint, high_conflict, partner):
    with pytest.raises(PermissionDenied):
        services.message_post(actor=partner, thread=joint, body="Hello.")


def test_the_counselor_still_writes_in_a_high_conflict_couples_joint_thread(joint, high_conflict, counselor):
    assert services.message_post(actor=counselor, thread=joint, body="A note to you both.").pk


def test_a_closed_couples_thread_is_read_only(joint, couple, counselor):
    couple.status = CoupleStatus.CLOSED
    couple.save()
    with pytest.raises(PermissionDenied):
        services.message_post(actor=counselor, thread=joint, body="One more thing.")


def test_an_empty_message_is_refused_on_body(partner, joint):
    with pytest.raises(ValidationError) as refused:
        services.message_post(actor=partner, thread=joint, body=" \n ")
    assert "body" in refused.value.message_dict


def test_a_message_over_the_limit_is_refused_on_body(partner, joint):
    with pytest.raises(ValidationError) as refused:
        services.message_post(actor=partner, thread=joint, body="x" * (MAX_BODY + 1))
    assert "body" in refused.value.message_dict


def test_a_message_at_the_limit_is_accepted(partner, joint):
    assert len(services.message_post(actor=partner, thread=joint, body="x" * MAX_BODY).body) == MAX_BODY


def test_posting_sends_message_posted_with_ids_and_the_thread(partner, joint):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    signals.message_posted.connect(receiver)
    try:
        message = services.message_post(actor=partner, thread=joint, body="Hello.")
    finally:
        signals.message_posted.disconnect(receiver)
    (sent,) = received
    assert sent["thread"] == joint
    assert {k: v for k, v in sent.items() if k != "thread"} == {
        "signal": signals.message_posted,
        "message_id": message.pk,
        "thread_id": joint.pk,
        "author_id": partner.pk,
    }


def test_posting_is_audited_without_the_text(partner, joint):
    message = services.message_post(actor=partner, thread=joint, body="Our secret word is marmalade.")
    event = AuditEvent.objects.get(action=AuditAction.MESSAGE_POSTED, target_id=str(message.pk))
    assert event.details["thread"] == joint.pk and "marmalade" not in str(event.details)


@pytest.fixture
def sams_message(partner, joint):
    return services.message_post(actor=partner, thread=joint, body="First words.")


def test_the_author_edits_within_five_minutes(partner, sams_message):
    edited = services.message_edit(
        actor=partner, message=sams_message, body="Better words.", now=sams_message.created_at + timedelta(minutes=5)
    )
    assert (edited.body, edited.edited_at is not None) == ("Better words.", True)


def test_an_edit_after_five_minutes_is_refused(partner, sams_message):
    with pytest.raises(PermissionDenied):
        services.message_edit(
            actor=partner,
            message=sams_message,
            body="Too late.",
            now=sams_message.created_at + timedelta(minutes=5, seconds=1),
        )


def test_only_the_author_edits(other_partner, sams_message):
    with pytest.raises(PermissionDenied):
        services.message_edit(actor=other_partner, message=sams_message, body="Not mine.")


def test_an_edit_keeps_the_earlier_text_as_a_revision(partner, sams_message):
    services.message_edit(actor=partner, message=sams_message, body="Better words.")
    revision = MessageRevision.objects.get(message=sams_message)
    assert (revision.body, revision.reason) == ("First words.", RevisionReason.EDITED)


def test_the_author_deletes_within_five_minutes_leaving_a_row_without_text(partner, sams_message):
    deleted = services.message_delete(actor=partner, message=sams_message, now=sams_message.created_at)
    assert (deleted.is_deleted, deleted.body, deleted.shown_body) == (True, "", "")


def test_a_delete_keeps_the_text_as_a_revision(partner, sams_message):
    services.message_delete(actor=partner, message=sams_message)
    revision = MessageRevision.objects.get(message=sams_message)
    assert (revision.body, revision.reason) == ("First words.", RevisionReason.DELETED)


def test_a_delete_after_five_minutes_is_refused(partner, sams_message):
    with pytest.raises(PermissionDenied):
        services.message_delete(actor=partner, message=sams_message, now=sams_message.created_at + timedelta(hours=1))


def test_a_deleted_message_cannot_be_edited(partner, sams_message):
    services.message_delete(actor=partner, message=sams_message)
    with pytest.raises(PermissionDenied):
        services.message_edit(actor=partner, message=sams_message, body="Back again.")


def test_edits_and_deletes_are_audited_without_text(partner, joint):
    first = services.message_post(actor=partner, thread=joint, body="alpha words")
    second = services.message_post(actor=partner, thread=joint, body="beta words")
    services.message_edit(actor=partner, message=first, body="gamma words")
    services.message_delete(actor=partner, message=second)
    events = AuditEvent.objects.filter(action__in=[AuditAction.MESSAGE_EDITED, AuditAction.MESSAGE_DELETED])
    assert sorted(e.target_id for e in events) == sorted([str(first.pk), str(second.pk)])
    assert not any(word in str(e.details) for e in events for word in ("alpha", "beta", "gamma"))


def test_someone_outside_the_thread_gets_404_editing(other_counselor, sams_message):
    with pytest.raises(Http404):
        services.message_edit(actor=other_counselor, message=sams_message, body="Hm.")
