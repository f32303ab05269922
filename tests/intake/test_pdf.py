"""The signed document's PDF, read back: its hash is the SHA-256 of the
version's text, and it names the signer (accents included)."""

from __future__ import annotations

import hashlib
import io

from pypdf import PdfReader

from intake.pdf import signature_pdf
from intake.selectors import signature_for


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_carries_the_hash_of_the_version_s_text_and_the_signer(consent, partner, sign):
    partner.full_name = "Zoë Åkesson-Núñez"
    partner.time_zone = "America/New_York"
    partner.save()
    signature = signature_for(partner, sign(partner, consent).pk)
    text = _text(signature_pdf(signature))
    expected = hashlib.sha256(consent.text.encode("utf-8")).hexdigest()
    assert expected == consent.sha256
    assert expected in text.replace("\n", "")
    assert "Zoë Åkesson-Núñez" in text
    assert "203.0.113.7" in text
    assert "America/New_York" in text
    assert "Consent to counseling" in text


def test_a_revoked_signature_s_pdf_says_so(consent, partner, sign):
    from intake import services

    services.signature_revoke(actor=partner, signature=sign(partner, consent), reason="Need to talk first")
    signature = signature_for(partner, consent.signatures.get().pk)
    assert "REVOKED" in _text(signature_pdf(signature))
