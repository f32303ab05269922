"""The messaging pages: the list, a conversation (reply with a file, live
updates, edit and delete), a new conversation; by role, out of scope 404."""

from __future__ import annotations

import pytest

from messaging.models import Message, Thread

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def joint(start, couple):
    return start("joint", couple=couple, body="How did the week go?")


@pytest.fixture
def sams_private(start, couple, partner):
    return start("private", partner, couple=couple, body="A word with you alone, Sam.")


def test_the_counselor_sees_the_couples_conversations(joint, sams_private, counselor, as_user):
    page = as_user(counselor).get("/messages/").content.decode()

    assert page.count('class="thread-item') == 2


def test_a_partner_does_not_see_the_other_partners_private_conversation(sams_private, joint, other_partner, as_user):
    client = as_user(other_partner)

    assert client.get("/messages/").content.decode().count('class="thread-item') == 1
    assert client.get(f"/messages/{sams_private.pk}/").status_code == 404


def test_the_practice_admin_has_no_messages_page(joint, practice_admin, as_user):
    client = as_user(practice_admin)

    assert client.get("/messages/").status_code == 404
    assert client.get(f"/messages/{joint.pk}/").status_code == 404


def test_another_counselor_gets_404(joint, other_counselor, as_user):
    assert as_user(other_counselor).get(f"/messages/{joint.pk}/").status_code == 404


def test_a_partner_replies_with_a_picture(joint, partner, as_user, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = as_user(partner)
    response = client.post(
        f"/messages/{joint.pk}/",
        {"body": "Here is our plan.", "attachments": [SimpleUploadedFile("plan.png", PNG, "image/png")]},
    )

    assert response.status_code == 302
    message = Message.objects.filter(thread=joint, author=partner).get()
    attachment = message.attachments.get()
    download = client.get(f"/messages/attachments/{attachment.pk}/")
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"


def test_an_executable_named_pdf_is_refused_with_a_message(joint, partner, as_user, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("notes.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")
    response = as_user(partner).post(f"/messages/{joint.pk}/", {"body": "See attached.", "attachments": [fake]})

    assert response.status_code == 400
    assert not Message.objects.filter(thread=joint, author=partner).exists()
    assert list(media_root.rglob("*.*")) == []


def test_the_other_partner_cannot_download_a_private_attachment(sams_private, partner, other_partner, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    as_user(partner).post(
        f"/messages/{sams_private.pk}/", {"body": "x", "attachments": [SimpleUploadedFile("a.png", PNG, "image/png")]}
    )
    attachment = Message.objects.get(thread=sams_private, author=partner).attachments.get()

    assert as_user(other_partner).get(f"/messages/attachments/{attachment.pk}/").status_code == 404


def test_the_live_fragment_brings_the_new_messages_only(joint, partner, counselor, as_user):
    from messaging import services

    first = joint.messages.get()
    services.message_post(actor=partner, thread=joint, body="Fine, thanks.")

    fragment = as_user(counselor).get(f"/messages/{joint.pk}/since/?after={first.pk}").content.decode()

    assert "Fine, thanks." in fragment
    assert "How did the week go?" not in fragment


def test_before_writing_privately_a_partner_reads_the_confidentiality_policy(sams_private, partner, as_user):
    page = as_user(partner).get(f"/messages/{sams_private.pk}/").content.decode()

    assert "Before you write privately" in page


def test_the_crisis_note_is_on_the_conversation_page(joint, partner, as_user):
    page = as_user(partner).get(f"/messages/{joint.pk}/").content.decode()

    assert "not watched around the clock" in page
    assert "988" in page


def test_the_counselor_sees_who_has_read_a_message(joint, partner, counselor, as_user):
    as_user(partner).get(f"/messages/{joint.pk}/")

    page = as_user(counselor).get(f"/messages/{joint.pk}/").content.decode()

    assert "Read by Sam Lee" in page


def test_a_counselor_starts_a_private_conversation(counselor, couple, partner, as_user):
    response = as_user(counselor).post(
        "/messages/new/",
        {"couple": couple.pk, "kind": "private", "partner": partner.pk, "subject": "Check-in", "body": "Hello Sam."},
    )

    thread = Thread.objects.get(subject="Check-in")
    assert response.status_code == 302
    assert (thread.kind, thread.partner) == ("private", partner)


def test_a_partner_cannot_start_a_conversation_by_default(partner, as_user):
    assert as_user(partner).get("/messages/new/").status_code == 404


def test_the_author_deletes_a_message_and_a_trace_remains(joint, counselor, as_user):
    message = joint.messages.get()

    as_user(counselor).post(f"/messages/m/{message.pk}/delete/")

    page = as_user(counselor).get(f"/messages/{joint.pk}/").content.decode()
    assert "This message was deleted." in page
    assert "How did the week go?" not in page


def test_someone_else_cannot_edit_a_message(joint, partner, as_user):
    message = joint.messages.get()

    assert as_user(partner).get(f"/messages/m/{message.pk}/edit/").status_code == 404


def test_a_message_is_shown_as_cleaned_markdown(joint, partner, counselor, as_user):
    from messaging import services

    services.message_post(actor=partner, thread=joint, body="**Thursday** works. <script>alert(1)</script>")

    page = as_user(counselor).get(f"/messages/{joint.pk}/").content.decode()

    assert "<strong>Thursday</strong> works." in page
    assert "<script>alert(1)</script>" not in page


def test_an_edited_message_shows_its_new_text(joint, counselor, as_user):
    message = joint.messages.get()

    as_user(counselor).post(f"/messages/m/{message.pk}/edit/", {"body": "How did *this* week go?"})

    page = as_user(counselor).get(f"/messages/{joint.pk}/").content.decode()
    assert "How did <em>this</em> week go?" in page
