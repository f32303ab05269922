"""The caseload dashboard counts the messages a couple's partners wrote that
the counselor has not read, as needing attention (in its one statement)."""

from __future__ import annotations

from django.utils import timezone

from messaging import services
from progress import selectors


def _row(counselor, couple):
    return next(row for row in selectors.dashboard(counselor, now=timezone.now()) if row.couple.pk == couple.pk)


def test_unread_client_messages_make_the_couple_need_attention(start, counselor, couple, partner):
    thread = start("joint", couple=couple)
    services.message_post(actor=partner, thread=thread, body="We had a hard week.")
    services.message_post(actor=partner, thread=thread, body="Can we talk Thursday?")

    row = _row(counselor, couple)

    assert "2 unread messages" in row.reasons
    assert row.needs_attention


def test_read_messages_no_longer_count(start, counselor, couple, partner):
    thread = start("joint", couple=couple)
    services.message_post(actor=partner, thread=thread, body="We had a hard week.")
    services.thread_mark_read(user=counselor, thread=thread)

    assert not any("unread" in reason for reason in _row(counselor, couple).reasons)


def test_the_counselors_own_messages_do_not_count(start, counselor, couple):
    start("joint", couple=couple, body="How was the week?")

    assert not any("unread" in reason for reason in _row(counselor, couple).reasons)
