"""A record's download in its client's language: the PDF's headings and
the titles of what they took and signed in Spanish for a Spanish-speaking
client, whoever asked for it; what people wrote stays as written."""

from __future__ import annotations


def _spanish(user):
    user.language = "es"
    user.save(update_fields=["language"])
    return user


def test_a_spanish_client_s_record_pdf_is_in_spanish_with_its_accents(filled, partner, as_user, download, pdf_text):
    text = pdf_text(download(as_user(_spanish(partner)), "/me/record.pdf"))
    assert "Expediente de Sam Lee" in text
    assert "Sus respuestas a los ejercicios" in text
    assert "Documentos que usted firmó" in text
    assert "Consentimiento para la consejería, versión 1: firmado el" in text
    assert "Chequeo de intimidad emocional" in text and "(Conectados)" in text
    assert "Teléfono:" in text and "Conversación conjunta: Between sessions" in text
    assert "SAM-PRIVATE-REPLY" in text  # what people wrote, as written
    assert "Your measures" not in text


def test_an_english_client_s_record_pdf_stays_english(filled, partner, as_user, download, pdf_text):
    text = pdf_text(download(as_user(partner), "/me/record.pdf"))
    assert "Record of Sam Lee" in text and "Your measures" in text


def test_staff_export_a_spanish_client_s_record_in_the_client_s_language(
    filled, partner, counselor, as_user, download, pdf_text
):
    _spanish(partner)
    text = pdf_text(download(as_user(counselor), f"/records/clients/{partner.pk}/record.pdf"))
    assert "Expediente de Sam Lee" in text and "Sus medidas" in text


def test_the_json_says_in_which_language_each_document_was_signed(filled, partner, as_user, download, as_json):
    record = as_json(download(as_user(partner), "/me/record.json"))
    assert [signed["language"] for signed in record["signed_documents"]] == ["en"]
