"""Read state, unread counts, and the audit of staff reads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from messaging import selectors, services, signals
from messaging.models import ThreadReadState


def _unread(user, thread) -> int:
    return selectors.threads_visible_to(user).get(pk=thread.pk).unread_count


def test_a_new_thread_is_unread_for_the_partners(partner, joint):
    assert _unread(partner, joint) == 1


def test_the_author_has_nothing_unread_in_their_own_thread(counselor, joint):
    assert _unread(counselor, joint) == 0


def test_marking_read_clears_the_unread_count(partner, joint):
    services.thread_mark_read(user=partner, thread=joint)
    assert _unread(partner, joint) == 0


def test_a_message_after_the_read_is_unread_again(partner, counselor, joint):
    services.thread_mark_read(user=partner, thread=joint)
    services.message_post(actor=counselor, thread=joint, body="And another thing.")
    assert _unread(partner, joint) == 1


def test_a_deleted_message_is_not_counted_unread(partner, other_partner, joint):
    services.thread_mark_read(user=other_partner, thread=joint)
    message = services.message_post(actor=partner, thread=joint, body="Oops.")
    services.message_delete(actor=partner, message=message)
    assert _unread(other_partner, joint) == 0


def test_mark_read_keeps_one_row_per_person_and_moves_it_forward(partner, joint):
    now = timezone.now()
    services.thread_mark_read(user=partner, thread=joint, now=now)
    state = services.thread_mark_read(user=partner, thread=joint, now=now + timedelta(minutes=1))
    assert ThreadReadState.objects.filter(thread=joint, user=partner).count() == 1
    assert state.last_read_at == now + timedelta(minutes=1)


def test_mark_read_never_moves_back(partner, joint):
    now = timezone.now()
    services.thread_mark_read(user=partner, thread=joint, now=now)
    state = services.thread_mark_read(user=partner, thread=joint, now=now - timedelta(hours=1))
    assert state.last_read_at == now


def test_marking_another_partners_private_thread_read_is_404(partner, rileys_private):
    with pytest.raises(Http404):
        services.thread_mark_read(user=partner, thread=rileys_private)


def test_mark_read_sends_message_read(partner, joint):
    received = []

    def receiver(sender, **kwargs):
        received.append((kwargs["thread_id"], kwargs["user_id"]))

    signals.message_read.connect(receiver)
    try:
        services.thread_mark_read(user=partner, thread=joint)
    finally:
        signals.message_read.disconnect(receiver)
    assert received == [(joint.pk, partner.pk)]


def test_the_counselor_sees_who_has_read_up_to_when(partner, counselor, joint):
    services.thread_mark_read(user=partner, thread=joint)
    assert [state.user for state in selectors.read_states(joint)] == [partner]


def test_a_counselors_read_is_audited_with_ids_only(counselor, joint, sams_private):
    threads = list(selectors.threads_visible_to(counselor))
    assert services.threads_record_access(viewer=counselor, threads=threads, view="thread") == 2
    events = AuditEvent.objects.filter(action=AuditAction.THREAD_VIEWED)
    assert {e.target_id for e in events} == {str(joint.pk), str(sams_private.pk)}
    assert all(set(e.details) == {"couple", "kind", "view"} for e in events)


def test_a_partners_read_of_their_own_thread_is_not_audited(partner, joint):
    threads = list(selectors.threads_visible_to(partner))
    assert services.threads_record_access(viewer=partner, threads=threads, view="thread") == 0
