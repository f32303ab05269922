"""The audit log reads messaging's rows as sentences that say which
conversation, never its subject or a message's text, and link to the thread
only for whom may read it. Alex (practice admin) and Dana (Sam and Riley's
counselor) read /audit/."""

from __future__ import annotations

import pytest

from accounts.models import AuditAction, AuditEvent
from exercises.audit_log import describe
from messaging import services
from messaging.models import Message

pytestmark = pytest.mark.django_db

SECRET = "the weekend at the coast"


def _sentences(client, action):
    return [(row.sentence, row.target.url) for row in client.get(f"/audit/?action={action}").context["rows"]]


def test_a_message_in_the_joint_conversation_names_the_couple(practice_admin, joint, as_user):
    assert _sentences(as_user(practice_admin), AuditAction.MESSAGE_POSTED) == [
        ("Dana Reyes sent a message in the conversation with Sam Lee & Riley Lee", "")
    ]


def test_a_private_conversation_is_named_by_its_partner(practice_admin, sams_private, as_user):
    assert _sentences(as_user(practice_admin), AuditAction.THREAD_STARTED) == [
        ("Dana Reyes started Sam Lee's private conversation", "")
    ]


def test_a_reader_who_may_open_the_thread_gets_a_link_to_it(counselor, joint):
    # /audit/ is the practice admin's; the sentences serve any reader (describe).
    [row] = describe(AuditEvent.objects.filter(action=AuditAction.THREAD_STARTED), counselor)
    assert row.sentence == "Dana Reyes started the conversation with Sam Lee & Riley Lee"
    assert row.target.url == f"/messages/{joint.pk}/"


def test_an_edit_says_which_conversation_and_never_the_text(practice_admin, counselor, joint, as_user):
    message = Message.objects.filter(thread=joint).get()
    services.message_edit(actor=counselor, message=message, body=f"About {SECRET}.")
    client = as_user(practice_admin)
    assert _sentences(client, AuditAction.MESSAGE_EDITED) == [
        ("Dana Reyes edited a message in the conversation with Sam Lee & Riley Lee", "")
    ]
    page = client.get("/audit/").content.decode()
    assert SECRET not in page and "Between sessions" not in page  # nor the thread's subject
