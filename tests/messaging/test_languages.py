"""Messaging in the reader's language: the conversation page (the crisis line,
the live script's words), refusals of a file, and each recipient's in-app
notice of a new message, stored in their own language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from messaging import services
from notifications.models import InAppNotification, ReminderKind

pytestmark = pytest.mark.django_db


def reads_spanish(user) -> None:
    user.language = "es"
    user.save(update_fields=["language"])


def test_the_conversation_page_shows_the_crisis_line_in_spanish(as_user, partner, joint):
    reads_spanish(partner)
    page = as_user(partner).get(reverse("messaging:thread", args=[joint.pk])).content.decode()
    assert "En una crisis, llame o envíe un mensaje de texto al 988" in page


def test_the_live_scripts_words_come_translated_from_the_page(as_user, partner, joint):
    reads_spanish(partner)
    page = as_user(partner).get(reverse("messaging:thread", args=[joint.pk])).content.decode()
    assert 'data-text-new="Hay mensajes nuevos más abajo."' in page
    assert 'data-text-offline="¿Sin conexión? Volveremos a intentarlo en un momento."' in page


def test_the_live_script_has_no_words_of_its_own():
    code = [line for line in (Path(settings.BASE_DIR) / "static" / "js" / "thread-live.js").read_text().splitlines()]
    sentences = [line for line in code if not line.lstrip().startswith("//") and re.search(r'"[A-Z][a-z]* ', line)]
    assert sentences == []


def test_a_refused_file_is_explained_in_spanish(as_user, partner, joint, upload, exe_bytes):
    reads_spanish(partner)
    response = as_user(partner).post(
        reverse("messaging:thread", args=[joint.pk]),
        {"body": "", "attachments": [upload("informe.pdf", exe_bytes, "application/pdf")]},
    )
    assert "“informe.pdf” no es una foto (JPEG, PNG, GIF o WebP) ni un PDF." in response.content.decode()


def test_each_recipients_notice_of_a_message_is_in_their_own_language(joint, partner, other_partner, counselor):
    reads_spanish(counselor)
    services.thread_mark_read(user=other_partner, thread=joint)  # Dana's opening message read

    services.message_post(actor=partner, thread=joint, body="Hello.")

    def newest(user):
        return InAppNotification.objects.filter(user=user, kind=ReminderKind.MESSAGE_RECEIVED).first().text

    assert newest(counselor) == "Nuevo mensaje de Sam Lee"
    assert newest(other_partner) == "You have a new message"


def test_a_partner_who_reads_spanish_is_told_of_a_message_in_spanish(joint, partner, other_partner):
    reads_spanish(other_partner)
    services.thread_mark_read(user=other_partner, thread=joint)

    services.message_post(actor=partner, thread=joint, body="Hello.")

    notice = InAppNotification.objects.filter(user=other_partner, kind=ReminderKind.MESSAGE_RECEIVED).first()
    assert notice.text == "Tiene un mensaje nuevo"
