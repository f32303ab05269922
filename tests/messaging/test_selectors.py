"""Paging a thread, and the confidentiality text shown before writing privately."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from intake import services as intake_services
from intake.models import Document
from messaging import selectors, texts
from messaging.models import Message


@pytest.fixture
def thirty_messages(joint, counselor):
    """30 more messages in the joint thread, one a minute, five of them at the very same time."""
    start = timezone.now()
    same = start + timedelta(minutes=40)
    Message.objects.bulk_create(
        [
            Message(
                thread=joint,
                author=counselor,
                body=f"m{i}",
                created_at=same if i >= 25 else start + timedelta(minutes=i),
            )
            for i in range(30)
        ]
    )
    return joint


def _walk(thread, limit):
    seen, cursor = [], None
    while True:
        page = selectors.messages_page(thread, before=cursor, limit=limit)
        seen.extend(page.messages)
        if page.next_cursor is None:
            return seen
        cursor = selectors.Cursor.decode(page.next_cursor.encode())


def test_paging_walks_every_message_once_newest_first(thirty_messages):
    seen = _walk(thirty_messages, limit=7)
    assert len(seen) == 31 and len({m.pk for m in seen}) == 31
    assert [(m.created_at, m.pk) for m in seen] == sorted(((m.created_at, m.pk) for m in seen), reverse=True)


def test_the_last_page_has_no_cursor(joint):
    assert selectors.messages_page(joint, limit=50).next_cursor is None


def test_a_forged_cursor_is_refused_on_before():
    with pytest.raises(ValidationError) as refused:
        selectors.Cursor.decode("not-a-cursor")
    assert "before" in refused.value.message_dict


def test_without_a_published_policy_the_built_in_text_is_shown(db):
    assert selectors.confidentiality_text() == (texts.CONFIDENTIALITY_TITLE, texts.CONFIDENTIALITY_TEXT)


def test_the_practices_published_confidentiality_policy_is_shown(practice_admin):
    document = Document.objects.get(slug="couples-confidentiality")
    draft = intake_services.document_version_draft(actor=practice_admin, document=document, text="Our own words.")
    intake_services.document_version_publish(actor=practice_admin, version=draft)
    assert selectors.confidentiality_text() == (document.title, "Our own words.\n")
