"""Messages encrypted at rest (docs/encryption.md): the raw rows of messages
and revisions, and the stored attachment files, hold none of what was
written; the pages and downloads read it back whole."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from messaging import services
from messaging.models import Message, MessageRevision
from portal import checks
from portal.models import EncryptionCanary

MARK = "Zebra-Quartz-7731"  # a marked text, searched for in the raw rows


def raw_rows(model) -> str:
    """Every column of every row of the model's table, as plain SQL reads them."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")
        return repr(cursor.fetchall())


def test_a_message_its_html_and_its_revisions_are_no_text_in_sql(partner, counselor, joint, as_user):
    message = services.message_post(actor=partner, thread=joint, body=f"**{MARK}** I was hurt on Sunday.")
    services.message_edit(actor=partner, message=message, body=f"{MARK} edited: I was hurt.")
    services.message_post(actor=counselor, thread=joint, body=f"Thank you, {MARK}.")
    for model in (Message, MessageRevision):
        stored = raw_rows(model)
        assert MARK not in stored
        assert "hurt" not in stored
    message.refresh_from_db()
    assert message.body == f"{MARK} edited: I was hurt."
    assert MARK in message.body_html
    assert MessageRevision.objects.get(message=message).body == f"**{MARK}** I was hurt on Sunday."
    page = as_user(counselor).get(f"/messages/{joint.pk}/")
    assert page.status_code == 200
    assert f"{MARK} edited: I was hurt." in page.content.decode()


def test_a_deleted_message_keeps_an_empty_body_the_constraint_reads(partner, joint):
    message = services.message_post(actor=partner, thread=joint, body=f"{MARK} regret")
    services.message_delete(actor=partner, message=message)
    message.refresh_from_db()
    assert (message.body, message.body_html) == ("", "")
    assert Message.objects.filter(pk=message.pk, body="").exists()
    assert MARK not in raw_rows(MessageRevision)


def test_a_body_is_not_searched_in_sql(partner, joint):
    services.message_post(actor=partner, thread=joint, body=MARK)
    with pytest.raises(FieldError):
        Message.objects.filter(body__contains=MARK).exists()


def test_a_stored_attachment_holds_none_of_its_bytes_and_downloads_whole(
    partner, other_partner, joint, as_user, upload, png_bytes, pdf_bytes, stored_files
):
    marked_pdf = pdf_bytes.replace(b"%%EOF", MARK.encode() + b"\n%%EOF")
    message = services.message_post(
        actor=partner, thread=joint, body="", files=[upload("us.png", png_bytes), upload("form.pdf", marked_pdf)]
    )
    files = stored_files()
    assert len(files) == 2
    for path in files:
        content = path.read_bytes()
        assert MARK.encode() not in content
        assert b"PNG" not in content and b"%PDF" not in content
    for attachment, original in zip(message.attachments.order_by("pk"), [png_bytes, marked_pdf], strict=True):
        with attachment.file.open("rb") as opened:
            assert opened.read() == original
        download = as_user(other_partner).get(f"/messages/attachments/{attachment.pk}/")
        assert download.status_code == 200
        assert download["Content-Length"] == str(len(original))
        assert b"".join(download.streaming_content) == original


def test_an_attachment_of_several_chunks_streams_back_whole(partner, joint, upload, png_bytes, as_user):
    big = png_bytes + bytes(range(256)) * 4 * 1024 * 3  # three chunks and a bit
    message = services.message_post(actor=partner, thread=joint, body="", files=[upload("big.png", big)])
    attachment = message.attachments.get()
    assert attachment.size == len(big)
    download = as_user(partner).get(f"/messages/attachments/{attachment.pk}/")
    pieces = list(download.streaming_content)
    assert len(pieces) > 1  # streamed, not read whole
    assert b"".join(pieces) == big


def test_without_a_canary_a_message_row_is_what_the_check_decrypts(partner, joint):
    services.message_post(actor=partner, thread=joint, body=MARK)
    EncryptionCanary.objects.all().delete()
    assert checks.encryption_keys_open_the_data() == []
    with override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        errors = checks.encryption_keys_open_the_data()
    assert [e.id for e in errors] == ["portal.E101"]
    assert Message._meta.db_table in errors[0].msg
    assert settings.FIELD_ENCRYPTION_KEYS  # the test's own keys are back


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_what_was_stored_before_and_back(partner, joint, upload, png_bytes, stored_files):
    message = services.message_post(actor=partner, thread=joint, body=MARK, files=[upload("us.png", png_bytes)])
    services.message_edit(actor=partner, message=message, body=f"{MARK} again")
    try:
        call_command("migrate", "messaging", "0002", verbosity=0)
        assert MARK in raw_rows(Message) and MARK in raw_rows(MessageRevision)
        assert [path.read_bytes() for path in stored_files()] == [png_bytes]
    finally:
        call_command("migrate", "messaging", verbosity=0)
    assert MARK not in raw_rows(Message) + raw_rows(MessageRevision)
    (path,) = stored_files()
    assert b"PNG" not in path.read_bytes()
    message = Message.objects.get(pk=message.pk)
    assert message.body == f"{MARK} again"
    with message.attachments.get().file.open("rb") as opened:
        assert opened.read() == png_bytes
