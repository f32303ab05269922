"""signatures_needed_for: what a partner is asked to sign at their next visit."""

from __future__ import annotations

from intake import services
from intake.models import Document
from intake.selectors import signatures_needed_for


def _needed(user) -> dict[str, bool]:
    return {item.version.document.slug: item.resign for item in signatures_needed_for(user)}


def test_published_documents_not_yet_signed_are_needed_drafts_are_not(consent, publish, partner):
    publish("privacy-notice")
    assert _needed(partner) == {"consent-to-treatment": False, "privacy-notice": False}


def test_a_signed_document_is_no_longer_needed_by_its_signer_only(consent, partner, other_partner, sign):
    sign(partner, consent)
    assert _needed(partner) == {}
    assert _needed(other_partner) == {"consent-to-treatment": False}


def test_a_new_version_without_must_resign_keeps_an_older_signature_good(consent, publish, partner, sign):
    sign(partner, consent)
    publish("consent-to-treatment", text="Typo fixed.")
    assert _needed(partner) == {}


def test_a_new_version_marked_must_resign_asks_again(consent, publish, partner, sign):
    sign(partner, consent)
    publish("consent-to-treatment", text="New terms.", must_resign=True)
    assert _needed(partner) == {"consent-to-treatment": True}


def test_a_must_resign_version_still_counts_after_a_later_plain_one(consent, publish, partner, sign):
    sign(partner, consent)
    publish("consent-to-treatment", text="New terms.", must_resign=True)
    publish("consent-to-treatment", text="Typo fixed.")
    assert _needed(partner) == {"consent-to-treatment": True}


def test_a_revoked_signature_is_needed_again(consent, partner, sign):
    services.signature_revoke(actor=partner, signature=sign(partner, consent), reason="Mistake")
    assert _needed(partner) == {"consent-to-treatment": False}


def test_a_document_that_needs_no_signature_is_not_asked(consent, partner):
    Document.objects.filter(pk=consent.document_id).update(requires_signature=False)
    assert _needed(partner) == {}


def test_an_archived_document_is_not_asked(consent, partner):
    Document.objects.filter(pk=consent.document_id).update(archived=True)
    assert _needed(partner) == {}


def test_staff_are_asked_nothing(consent, counselor, practice_admin):
    assert signatures_needed_for(counselor) == signatures_needed_for(practice_admin) == []
