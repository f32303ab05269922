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


# --- The pages: /messages/, /messages/<id>/ and /messages/<id>/since/ -------------------------------

# Measured; pinned for the small and the large data set. Raise only with a reason.
# Every request loads session and user (a counselor: the 2FA check too); a
# full page (base.html) the bell's unread count and, for a client, whether
# they are in safety mode. Marking a thread read is a savepoint, the read
# state locked and updated, and (messaging.receivers.message_read) the
# reader's pending e-mail about it cancelled and their notices marked read:
# 6 queries. Before it was fixed, each of the viewer's own messages still in the
# five-minute edit window loaded its thread and couple (and, for a partner,
# the high-conflict setting) for can_edit_message: 27 -> 65 queries for 10
# -> 1,000 messages; selectors.messages_page now sets the thread it was given.
PAGE_QUERIES = {
    # the threads with their unread counts (one statement)
    ("counselor", "list"): 5,
    # + may clients start conversations (MessagingSettings), the safety-mode check
    ("partner", "list"): 6,
    # the thread, the page of messages and their attachments, the audited
    # read (the chain's head, the insert), marking it read (6), who has read
    # it (the counselors')
    ("counselor", "thread"): 16,
    # no audit, no read states; whether the couple is high-conflict (can the
    # partner write in the joint thread), the safety-mode check
    ("partner", "thread"): 14,
    # the fragment (no base.html): the thread, where "after" is, the newer
    # messages and their attachments, the audit (chain head, insert), marking
    # read (6), the read states
    ("counselor", "since"): 16,
    ("partner", "since"): 12,
}
FEW_THREADS, MANY_THREADS = 2, 20
FEW_MESSAGES, MANY_MESSAGES = 10, 1000


def _fetch(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, captured


@pytest.fixture
def threads(start, couple, partner):
    """threads(n): n more of Dana's conversations with Sam and Riley that Sam reads
    (joint and private with Sam in turn), each with a reply from Sam."""

    def add(n):
        for index in range(n):
            kind, who = ("joint", None) if index % 2 else ("private", partner)
            thread = start(kind, who, couple=couple, subject=f"Topic {index}", body=f"Hello {index}.")
            Message.objects.create(thread=thread, author=partner, body="A reply.")

    return add


def _messages(thread, counselor, partner, count):
    """count more messages in ``thread``, Dana's and Sam's in turn, just written
    (so each author may still edit theirs: the page checks that for every one)."""
    now = timezone.now()
    made = Message.objects.bulk_create(
        [
            Message(thread=thread, author=(counselor, partner)[i % 2], body=f"**m{i}**", created_at=now)
            for i in range(count)
        ]
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
            for m in made[::5]
        ]
    )


@pytest.mark.parametrize("viewer", ["counselor", "partner"])
def test_the_conversations_page_costs_the_same_for_2_and_20_threads(request, viewer, threads, as_user):
    client = as_user(request.getfixturevalue(viewer))
    threads(FEW_THREADS)
    client.get("/messages/")  # warm per-process caches
    _, few_queries = _fetch(client, "/messages/")
    threads(MANY_THREADS - FEW_THREADS)
    many, many_queries = _fetch(client, "/messages/")

    assert many.content.decode().count('class="thread-item') == MANY_THREADS > FEW_THREADS
    assert len(many_queries) == len(few_queries) == PAGE_QUERIES[(viewer, "list")], [
        q["sql"] for q in many_queries.captured_queries
    ]


@pytest.mark.parametrize("viewer", ["counselor", "partner"])
def test_a_conversation_page_costs_the_same_for_10_and_1000_messages(
    request, viewer, joint, counselor, partner, as_user
):
    client = as_user(request.getfixturevalue(viewer))
    url = f"/messages/{joint.pk}/"
    _messages(joint, counselor, partner, FEW_MESSAGES)
    client.get(url)
    _, few_queries = _fetch(client, url)
    _messages(joint, counselor, partner, MANY_MESSAGES - FEW_MESSAGES)
    many, many_queries = _fetch(client, url)

    assert many.content.decode().count('class="message-item') == selectors.DEFAULT_PAGE
    assert len(many_queries) == len(few_queries) == PAGE_QUERIES[(viewer, "thread")], [
        q["sql"] for q in many_queries.captured_queries
    ]


@pytest.mark.parametrize("viewer", ["counselor", "partner"])
def test_new_messages_for_the_live_page_cost_the_same_for_10_and_1000(
    request, viewer, joint, counselor, partner, as_user
):
    client = as_user(request.getfixturevalue(viewer))
    first = joint.messages.get()
    url = f"/messages/{joint.pk}/since/?after={first.pk}"
    _messages(joint, counselor, partner, FEW_MESSAGES)
    client.get(url)
    few, few_queries = _fetch(client, url)
    _messages(joint, counselor, partner, MANY_MESSAGES - FEW_MESSAGES)
    many, many_queries = _fetch(client, url)

    assert few.content.decode().count('class="message-item') == FEW_MESSAGES
    assert many.content.decode().count('class="message-item') == selectors.DEFAULT_PAGE
    assert len(many_queries) == len(few_queries) == PAGE_QUERIES[(viewer, "since")], [
        q["sql"] for q in many_queries.captured_queries
    ]
