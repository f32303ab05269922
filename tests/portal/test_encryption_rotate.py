"""manage.py encryption_rotate (docs/encryption.md): on a populated database,
a new key put first, everything re-encrypted under it in batches; the old
key then removed, everything reads back; run again, nothing is left to do;
a value no key opens stops it."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import time, timedelta

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from exercises import services as exercise_services
from exercises.models import Comment, ExerciseTemplate, Response, ResponseVersion
from messaging import services as message_services
from messaging.models import Attachment, Message, MessageRevision
from portal import checks, crypto
from portal.models import CANARY_TEXT, EncryptionCanary

MARK = "Ibis-Granite-4410"
NEW_KEY = Fernet.generate_key().decode()
FIRST = {"i_feel": f"{MARK} tired", "when": "late", "because": "sleep", "would_like": "talk earlier"}
SECOND = {**FIRST, "i_feel": f"{MARK} worn out"}


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PNG = _png()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def populated(counselor, couple, partner, other_partner):
    """Messages (an edit, an attachment), answers (two versions), a comment and the canary, under the old key."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    EncryptionCanary.objects.get_or_create(defaults={"value": CANARY_TEXT})  # the first migrate's, or a new one
    thread = message_services.thread_start(
        actor=counselor, couple=couple, kind="joint", partner=None, subject="", body=f"{MARK} hello"
    )
    posted = message_services.message_post(
        actor=partner, thread=thread, body=f"{MARK} a photo", files=[SimpleUploadedFile("us.png", PNG)]
    )
    message_services.message_edit(actor=partner, message=posted, body=f"{MARK} our photo")
    template = ExerciseTemplate.objects.get(slug="i-statements", owner__isnull=True)
    exercise_services.assignment_create(
        counselor=counselor,
        couple=couple,
        template=template,
        starts_on=timezone.localdate(),
        due_on=timezone.localdate() + timedelta(days=1),
        due_time=time(19, 0),
    )
    occurrence = template.assignments.get().occurrences.get()
    exercise_services.response_submit(occurrence=occurrence, user=partner, answers=FIRST)
    response = exercise_services.response_submit(occurrence=occurrence, user=partner, answers=SECOND)
    exercise_services.comment_add(counselor=counselor, response=response, body=f"{MARK} thanks")
    return {"message": posted, "response": response}


def _tokens() -> list[str]:
    """Every stored token of every encrypted column."""
    found = []
    with connection.cursor() as cursor:
        for model in (Message, MessageRevision, Response, ResponseVersion, Comment, EncryptionCanary):
            for column in crypto.encrypted_columns(model):
                cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE {column} <> ''")
                found += [row[0] for row in cursor.fetchall()]
    return found


def _rotate(**options) -> str:
    out = io.StringIO()
    call_command("encryption_rotate", stdout=out, **options)
    return out.getvalue()


def test_rotation_moves_everything_to_the_new_key_and_reads_back_without_the_old(
    populated, media_root, django_capture_on_commit_callbacks
):
    old = list(settings.FIELD_ENCRYPTION_KEYS)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, *old]):
        with django_capture_on_commit_callbacks(execute=True):
            report = _rotate(batch_size=2)
        assert "Done:" in report
        assert "messaging_message: 2 rows re-encrypted" in report
        assert "messaging_attachment.file files: 1 re-encrypted" in report
        again = _rotate(batch_size=2)  # the second run: nothing left
        assert "Done: 0 re-encrypted" in again
        assert "messaging_message: 0 rows re-encrypted, 2 already under the newest key" in again
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        tokens = _tokens()
        assert len(tokens) >= 8
        assert all(crypto.is_under_newest_key(token) for token in tokens)
        assert checks.encryption_keys_open_the_data() == []
        message = Message.objects.get(pk=populated["message"].pk)
        assert message.body == f"{MARK} our photo"
        assert MARK in message.body_html
        assert MessageRevision.objects.get(message=message).body == f"{MARK} a photo"
        response = Response.objects.get(pk=populated["response"].pk)
        assert response.answers == SECOND
        assert ResponseVersion.objects.get(response=response).answers == FIRST
        assert Comment.objects.get(response=response).body == f"{MARK} thanks"
        assert {canary.value for canary in EncryptionCanary.objects.all()} == {CANARY_TEXT}
        attachment = Attachment.objects.get()
        with attachment.file.open("rb") as opened:
            assert opened.read() == PNG
    stored = [p for p in media_root.rglob("*") if p.is_file()]
    assert len(stored) == 1  # the old file removed once its row pointed at the new one


def test_a_second_run_does_only_what_was_written_under_an_old_key_since(populated):
    old = list(settings.FIELD_ENCRYPTION_KEYS)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, *old]):
        _rotate(batch_size=3)
    # A process still on the old key (before its restart) writes one comment.
    exercise_services.comment_add(
        counselor=populated["response"].occurrence.assignment.assigned_by,
        response=populated["response"],
        body="written under the old key",
    )
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, *old]):
        report = _rotate(batch_size=3)
    assert "exercises_comment: 1 rows re-encrypted, 1 already under the newest key" in report
    assert "messaging_message: 0 rows re-encrypted" in report


def test_a_value_no_key_opens_stops_the_rotation_naming_it_and_writes_nothing_over_it(populated):
    before = _tokens()
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]), pytest.raises(CommandError, match="No configured key"):
        _rotate()
    assert sorted(_tokens()) == sorted(before)
