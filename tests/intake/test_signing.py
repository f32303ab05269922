"""Each partner signs for themselves only, once, with their own name; a
signature is revoked by its signer, which records and deletes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.models import AuditAction, AuditEvent, CoupleStatus
from intake import services
from intake.models import DocumentVersion, Signature, SignatureRevocation, text_sha256
from portal.errors import ServiceConflict


def test_a_partner_signs_a_published_version_and_everything_is_recorded(consent, partner, couple, sign):
    signature = sign(partner, consent, typed_name="  sam   LEE ", user_agent="Phone browser")
    assert signature.typed_name == "sam LEE"
    assert (signature.signer, signature.couple, signature.version) == (partner, couple, consent)
    assert signature.version_sha256 == consent.sha256 == text_sha256(consent.text)
    assert (signature.ip_address, signature.user_agent, signature.agreed) == ("203.0.113.7", "Phone browser", True)
    assert AuditEvent.objects.filter(action=AuditAction.SIGNATURE_CREATED, target_id=str(signature.pk)).exists()


def test_each_partner_signs_separately(consent, partner, other_partner, sign):
    sign(partner, consent)
    sign(other_partner, consent)
    assert set(Signature.objects.values_list("signer__full_name", flat=True)) == {"Sam Lee", "Riley Lee"}


def test_a_draft_version_cannot_be_signed_and_answers_like_a_missing_one(partner, sign):
    draft = DocumentVersion.objects.get(document__slug="privacy-notice")
    with pytest.raises(Http404):
        sign(partner, draft)
    assert not Signature.objects.exists()


def test_a_retired_version_cannot_be_signed(consent, publish, partner, sign):
    publish("consent-to-treatment", text="Version two.")
    with pytest.raises(Http404):
        sign(partner, consent)


def test_a_signer_outside_an_open_couple_gets_404(consent, partner, couple, sign):
    couple.status = CoupleStatus.CLOSED
    couple.save()
    with pytest.raises(Http404):
        sign(partner, consent)


def test_staff_cannot_sign(consent, counselor, practice_admin, sign):
    for person in (counselor, practice_admin):
        with pytest.raises(Http404):
            sign(person, consent)


def test_signing_twice_is_refused(consent, partner, sign):
    sign(partner, consent)
    with pytest.raises(ServiceConflict, match="already signed"):
        sign(partner, consent)
    assert Signature.objects.count() == 1


def test_a_typed_name_that_is_not_the_signer_s_is_a_field_error(consent, partner, sign):
    with pytest.raises(ValidationError) as caught:
        sign(partner, consent, typed_name="Riley Lee")
    assert set(caught.value.message_dict) == {"typed_name"}
    assert not Signature.objects.exists()


def test_not_ticking_i_agree_is_a_field_error(consent, partner, sign):
    with pytest.raises(ValidationError) as caught:
        sign(partner, consent, agreed=False)
    assert set(caught.value.message_dict) == {"agreed"}


def test_nothing_is_half_saved_when_the_audit_row_fails(consent, partner, sign, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr("intake.services.signatures.audit_record", broken)
    with pytest.raises(RuntimeError):
        sign(partner, consent)
    assert not Signature.objects.exists()


def test_revoking_records_a_revocation_and_keeps_the_signature(consent, partner, sign):
    signature = sign(partner, consent)
    revocation = services.signature_revoke(actor=partner, signature=signature, reason="  I want to talk first. ")
    assert revocation.reason == "I want to talk first."
    assert Signature.objects.filter(pk=signature.pk).exists()
    assert SignatureRevocation.objects.get().signature == signature
    assert AuditEvent.objects.filter(action=AuditAction.SIGNATURE_REVOKED, target_id=str(signature.pk)).exists()


def test_a_revoked_signature_can_be_signed_again(consent, partner, sign):
    services.signature_revoke(actor=partner, signature=sign(partner, consent), reason="Mistake")
    again = sign(partner, consent)
    assert again.attempt == 2


def test_revoking_twice_is_refused(consent, partner, sign):
    signature = sign(partner, consent)
    services.signature_revoke(actor=partner, signature=signature, reason="Mistake")
    with pytest.raises(ServiceConflict):
        services.signature_revoke(actor=partner, signature=signature, reason="Again")


def test_a_revocation_needs_a_reason(consent, partner, sign):
    signature = sign(partner, consent)
    with pytest.raises(ValidationError) as caught:
        services.signature_revoke(actor=partner, signature=signature, reason="   ")
    assert set(caught.value.message_dict) == {"reason"}


def test_only_the_signer_revokes(consent, partner, other_partner, counselor, sign):
    signature = sign(partner, consent)
    with pytest.raises(Http404):
        services.signature_revoke(actor=other_partner, signature=signature, reason="Not mine")
    with pytest.raises(PermissionDenied):
        services.signature_revoke(actor=counselor, signature=signature, reason="Not mine")
    assert not SignatureRevocation.objects.exists()
