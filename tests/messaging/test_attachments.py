"""Attachments: the type read from the bytes, the size limit, nothing kept from a refused post."""

from __future__ import annotations

import hashlib
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from messaging import attachments, services
from messaging.models import MAX_ATTACHMENT_BYTES, Attachment, Message


def _refusal(partner, joint, files) -> str:
    with pytest.raises(ValidationError) as refused:
        services.message_post(actor=partner, thread=joint, body="See attached.", files=files)
    return " ".join(refused.value.message_dict["files"])


def test_a_windows_executable_named_pdf_is_refused(partner, joint, upload, exe_bytes):
    message = _refusal(partner, joint, [upload("report.pdf", exe_bytes, "application/pdf")])
    assert "“report.pdf” is not a photo" in message


def test_an_11_mb_file_is_refused(partner, joint, upload, png_bytes):
    big = png_bytes + b"\x00" * (11 * 1024 * 1024)
    assert "larger than 10 MB" in _refusal(partner, joint, [upload("big.png", big, "image/png")])


def test_an_empty_file_is_refused(partner, joint, upload):
    assert "“empty.pdf” is empty" in _refusal(partner, joint, [upload("empty.pdf", b"", "application/pdf")])


def test_a_refused_file_leaves_no_message_no_row_and_no_file(
    partner, joint, upload, png_bytes, exe_bytes, stored_files
):
    before = Message.objects.count()
    _refusal(partner, joint, [upload("ok.png", png_bytes), upload("bad.pdf", exe_bytes)])
    assert (Message.objects.count(), Attachment.objects.count(), stored_files()) == (before, 0, [])


def test_a_small_png_is_stored_byte_identical(partner, joint, upload, png_bytes):
    message = services.message_post(actor=partner, thread=joint, body="", files=[upload("us.png", png_bytes)])
    attachment = message.attachments.get()
    with attachment.file.open("rb") as stored:
        assert stored.read() == png_bytes
    assert (attachment.content_type, attachment.size) == ("image/png", len(png_bytes))


def test_a_small_pdf_is_stored_byte_identical_with_its_hash(partner, joint, upload, pdf_bytes):
    message = services.message_post(actor=partner, thread=joint, body="Form.", files=[upload("form.pdf", pdf_bytes)])
    attachment = message.attachments.get()
    with attachment.file.open("rb") as stored:
        assert stored.read() == pdf_bytes
    assert attachment.sha256 == hashlib.sha256(pdf_bytes).hexdigest()


def test_the_type_comes_from_the_bytes_not_the_name(partner, joint, upload, png_bytes):
    message = services.message_post(
        actor=partner, thread=joint, body="", files=[upload("scan.pdf", png_bytes, "application/pdf")]
    )
    assert message.attachments.get().content_type == "image/png"


def test_the_stored_path_does_not_carry_the_files_name(partner, joint, upload, png_bytes):
    message = services.message_post(actor=partner, thread=joint, body="", files=[upload("our-house.png", png_bytes)])
    attachment = message.attachments.get()
    assert "our-house" not in attachment.file.name and attachment.original_name == "our-house.png"


def test_a_file_that_grows_past_the_limit_while_streaming_is_refused_and_removed(
    partner, joint, upload, png_bytes, stored_files
):
    # The upload says it is small; its bytes say otherwise.
    lying = upload("grows.png", png_bytes + b"\x00" * (MAX_ATTACHMENT_BYTES + 1))
    lying.size = len(png_bytes)
    with pytest.raises(ValidationError):
        services.message_post(actor=partner, thread=joint, body="", files=[lying])
    assert (Attachment.objects.count(), stored_files()) == (0, [])


def test_files_written_before_a_failure_later_in_the_post_are_removed(partner, joint, upload, png_bytes, stored_files):
    with (
        mock.patch("messaging.services.messages.audit_record", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        services.message_post(actor=partner, thread=joint, body="", files=[upload("a.png", png_bytes)])
    assert (Attachment.objects.count(), stored_files()) == (0, [])


def test_a_path_in_the_uploaded_name_is_dropped():
    assert attachments.clean_name("C:\\Users\\sam\\photo.png") == "photo.png"
