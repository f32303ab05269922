"""The pages: the admin's Documents (edit a draft, publish with a
confirmation), the partner's Documents to sign (read, sign, PDF, revoke)."""

from __future__ import annotations

from intake.models import Document, DocumentVersion, Signature, SignatureRevocation


def test_the_admin_sees_every_document_and_which_version_is_live(consent, practice_admin, as_user):
    page = as_user(practice_admin).get("/documents/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Consent to counseling" in html and "Version 1" in html
    assert html.count("(draft)") == 5
    assert "no-store" in page["Cache-Control"]


def test_the_documents_pages_are_404_to_everyone_but_admins(consent, counselor, partner, as_user):
    for user in (counselor, partner):
        client = as_user(user)
        assert client.get("/documents/").status_code == 404
        assert client.get(f"/documents/{consent.document_id}/").status_code == 404
        assert client.get(f"/documents/{consent.document_id}/publish/").status_code == 404


def test_the_admin_saves_a_draft_then_publishes_it_after_confirming(consent, practice_admin, as_user):
    client = as_user(practice_admin)
    url = f"/documents/{consent.document_id}/"
    assert client.post(url, {"text": "Version two text."}).status_code == 302
    unconfirmed = client.post(url + "publish/", {})
    assert unconfirmed.status_code == 400
    assert DocumentVersion.objects.get(document_id=consent.document_id, number=2).status == "draft"
    assert client.post(url + "publish/", {"reviewed": "on", "must_resign": "on"}).status_code == 302
    live = DocumentVersion.objects.get(document_id=consent.document_id, status="published")
    assert (live.number, live.must_resign) == (2, True)


def test_the_publish_page_warns_while_the_built_in_draft_note_is_there(practice_admin, as_user):
    document = Document.objects.get(slug="privacy-notice")
    page = as_user(practice_admin).get(f"/documents/{document.pk}/publish/")
    assert "still opens with the built-in" in page.content.decode()


def test_a_partner_reads_signs_and_finds_it_among_what_they_signed(consent, partner, as_user):
    client = as_user(partner)
    listing = client.get("/me/documents/").content.decode()
    assert f"/me/documents/{consent.pk}/sign/" in listing
    page = client.get(f"/me/documents/{consent.pk}/sign/")
    assert "<h2>What you are agreeing to</h2>" in page.content.decode()
    response = client.post(f"/me/documents/{consent.pk}/sign/", {"typed_name": "sam lee", "agreed": "on"})
    assert response.status_code == 302
    signature = Signature.objects.get()
    after = client.get("/me/documents/").content.decode()
    assert f"/me/signatures/{signature.pk}/pdf/" in after
    assert f"/me/documents/{consent.pk}/sign/" not in after


def test_signing_without_ticking_i_agree_shows_the_error_and_saves_nothing(consent, partner, as_user):
    response = as_user(partner).post(f"/me/documents/{consent.pk}/sign/", {"typed_name": "Sam Lee"})
    assert response.status_code == 400
    assert not Signature.objects.exists()


def test_a_draft_cannot_be_opened_for_signing(partner, as_user):
    draft = DocumentVersion.objects.get(document__slug="privacy-notice")
    assert as_user(partner).get(f"/me/documents/{draft.pk}/sign/").status_code == 404


def test_the_partner_downloads_the_pdf_and_revokes_with_a_reason(consent, partner, as_user, sign):
    signature = sign(partner, consent)
    client = as_user(partner)
    pdf = client.get(f"/me/signatures/{signature.pk}/pdf/")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert "no-store" in pdf["Cache-Control"]
    assert client.post(f"/me/signatures/{signature.pk}/revoke/", {"reason": "Talk first"}).status_code == 302
    assert SignatureRevocation.objects.get().reason == "Talk first"


def test_the_other_partner_cannot_open_or_revoke_a_signature(consent, partner, other_partner, as_user, sign):
    signature = sign(partner, consent)
    client = as_user(other_partner)
    assert client.get(f"/me/signatures/{signature.pk}/pdf/").status_code == 404
    assert client.get(f"/me/signatures/{signature.pk}/revoke/").status_code == 404
    assert client.post(f"/me/signatures/{signature.pk}/revoke/", {"reason": "x"}).status_code == 404
