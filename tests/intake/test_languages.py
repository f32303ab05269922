"""The intake packet in Spanish as well as English: a version carries its
Spanish text, a partner reads and signs the text in their language, the
signature records which (and that text's hash), the PDF is in that language;
the packet shows the language-help notice in both languages."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.db import IntegrityError, connection, transaction
from pypdf import PdfReader

from intake import services
from intake.builtin import BUILTIN_DOCUMENTS, DRAFT_NOTES, builtin_text
from intake.models import Document, DocumentVersion, ImmutableRecordError
from intake.pdf import signature_pdf
from intake.selectors import signature_for


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_every_built_in_document_ships_in_spanish_too(db):
    for entry in BUILTIN_DOCUMENTS:
        spanish = builtin_text(entry["slug"], "es")
        assert spanish.startswith(f"> {DRAFT_NOTES['es']}"), entry["slug"]
        assert entry["translations"]["es"]["title"], entry["slug"]
        document = Document.objects.get(slug=entry["slug"])
        assert document.title_in("es") == entry["translations"]["es"]["title"]
        assert document.versions.get(number=1).translations == {"es": {"text": spanish}}


def test_publishing_stamps_the_hash_of_each_language_s_text(consent):
    spanish = consent.translations["es"]
    assert spanish["sha256"] == hashlib.sha256(spanish["text"].encode("utf-8")).hexdigest()
    assert consent.languages == ["en", "es"]


def test_a_spanish_partner_signs_the_spanish_text_and_the_signature_says_so(consent, partner, sign, speaks):
    signature = sign(speaks(partner, "es"), consent)
    assert signature.language == "es"
    assert signature.version_sha256 == consent.translations["es"]["sha256"] != consent.sha256


def test_an_english_partner_signs_the_english_text(consent, partner, sign, speaks):
    signature = sign(speaks(partner, "en"), consent)
    assert (signature.language, signature.version_sha256) == ("en", consent.sha256)


def test_a_version_without_spanish_is_signed_in_english_by_a_spanish_partner(publish, partner, sign, speaks):
    version = publish("privacy-notice", text="Our own notice, in English only.")
    signature = sign(speaks(partner, "es"), version)
    assert (signature.language, signature.version_sha256) == ("en", version.sha256)


def test_the_sign_page_shows_a_spanish_partner_the_spanish_text(consent, partner, as_user, speaks):
    page = as_user(speaks(partner, "es")).get(f"/me/documents/{consent.pk}/sign/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Consentimiento para la consejería" in html
    assert 'lang="es"' in html and "Sus derechos" in html
    assert "Your rights" not in html
    assert 'name="language" value="es"' in html


def test_signing_on_the_page_records_the_language_of_the_text_shown(consent, partner, as_user, speaks):
    client = as_user(speaks(partner, "es"))
    response = client.post(
        f"/me/documents/{consent.pk}/sign/", {"typed_name": partner.full_name, "agreed": "on", "language": "es"}
    )
    assert response.status_code == 302
    assert consent.signatures.get().language == "es"


def test_the_spanish_signature_s_pdf_is_in_spanish_with_its_accents(consent, partner, sign, speaks):
    partner.full_name = "Sofía Núñez"
    partner.save()
    signature = signature_for(partner, sign(speaks(partner, "es"), consent).pk)
    text = _text(signature_pdf(signature))
    assert "Consentimiento para la consejería" in text
    assert "Cómo funciona la consejería aquí" in text
    assert "Idioma del texto firmado: Español" in text
    assert "Firmado por: Sofía Núñez" in text
    assert "Aceptación: la persona firmante marcó «Acepto»." in text
    assert consent.translations["es"]["sha256"] in text.replace("\n", "")
    assert "Signed by" not in text


def test_an_english_signature_s_pdf_stays_english_whoever_downloads_it(consent, partner, sign, speaks, counselor):
    signature = sign(speaks(partner, "en"), consent)
    speaks(partner, "es")  # the signer changes language later: what was signed does not change
    text = _text(signature_pdf(signature_for(counselor, signature.pk)))
    assert "Consent to counseling" in text and "Signed by: " in text


def test_a_published_version_s_translation_is_never_changed(consent):
    consent.translations = {"es": {"text": "Otro texto.", "sha256": "0" * 64}}
    with pytest.raises(ImmutableRecordError):
        consent.save()
    with pytest.raises(ImmutableRecordError):
        DocumentVersion.objects.filter(pk=consent.pk).update(translations={})


def test_the_database_refuses_a_raw_change_of_a_published_translation(consent):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE intake_documentversion SET translations = '{}'::jsonb WHERE id = %s", [consent.pk])


def test_the_admin_writes_the_spanish_of_a_draft(consent, practice_admin, as_user):
    client = as_user(practice_admin)
    url = f"/documents/{consent.document_id}/"
    response = client.post(url, {"text": "Version two.", "text_es": "Versión dos."})
    assert response.status_code == 302
    draft = DocumentVersion.objects.get(document_id=consent.document_id, number=2)
    assert draft.translations == {"es": {"text": "Versión dos.\n"}}
    services.document_version_publish(actor=practice_admin, version=draft)
    draft.refresh_from_db()
    assert draft.text_in("es") == "Versión dos.\n"


def test_a_spanish_partner_s_intake_page_is_in_spanish_with_the_notice_in_both_languages(
    packet, partner, as_user, speaks
):
    html = as_user(speaks(partner, "es")).get("/me/intake/").content.decode()
    assert "Antes de su primera sesión" in html
    assert "Consentimiento para la consejería" in html and "Leer y firmar" in html
    assert "Ayuda gratuita con el idioma" in html and 'href="/language-help/"' in html
    assert '<p lang="en">If you would rather read, write or talk in English' in html
    assert "Before your first session" not in html


def test_an_english_partner_s_intake_page_carries_the_notice_in_spanish_too(packet, partner, as_user, speaks):
    html = as_user(speaks(partner, "en")).get("/me/intake/").content.decode()
    assert "Before your first session" in html and "Free language help" in html
    assert '<p lang="es">Si prefiere leer, escribir o hablar en español' in html
