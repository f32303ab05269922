"""The thread list and a page of messages cost the same queries for a short thread and a long one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from messaging import selectors
from messaging.models import Attachment, Message


def _grow(thread, author, count):
    now = timezone.now()
    messages = Message.objects.bulk_create(
        [Message(thread=thread, author=author, body=f"m{i}", created_at=now) for i in range(count)]
    )
    Attachment.objects.bulk_create(
        [
            Attachment(
                message=m,
                file=f"messages/x/{m.pk}",
                original_name="a.png",
                content_type="image/png",
                size=1,
                sha256="0" * 64,
            )
            for m in messages[::5]
        ]
    )


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


@pytest.mark.parametrize("viewer", ["counselor", "partner"])
def test_the_thread_list_costs_the_same_for_10_and_200_messages(request, viewer, joint, sams_private, counselor):
    user = request.getfixturevalue(viewer)

    def listing():
        for thread in selectors.threads_visible_to(user):
            (thread.unread_count, thread.couple.partner_one.full_name, thread.couple.partner_two.full_name)

    _grow(joint, counselor, 10)
    few = _queries(listing)
    _grow(joint, counselor, 190)
    _grow(sams_private, counselor, 200)
    assert _queries(listing) == few == 1


def test_a_page_of_messages_costs_the_same_for_10_and_200_messages(joint, counselor):
    def page():
        for message in selectors.messages_page(joint).messages:
            (message.author.full_name, [a.original_name for a in message.shown_attachments])

    _grow(joint, counselor, 10)
    few = _queries(page)
    _grow(joint, counselor, 190)
    assert _queries(page) == few == 2
