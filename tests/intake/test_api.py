"""The documents and signatures API, scoped by role: out of scope is 404."""

from __future__ import annotations

import hashlib
import io

from pypdf import PdfReader

from accounts.models import AuditAction, AuditEvent
from intake.models import DocumentVersion, Signature


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def _sign_body(version, name="Sam Lee", **extra):
    return {"version": version.pk, "typed_name": name, "agreed": True, **extra}


def test_a_partner_signs_their_own_through_the_api(consent, partner, as_user):
    response = _post(as_user(partner), "/api/v1/signatures/", _sign_body(consent))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["signer"], body["version_sha256"], body["typed_name"]) == (partner.pk, consent.sha256, "Sam Lee")
    assert Signature.objects.get().ip_address == "127.0.0.1"


def test_signing_for_the_other_partner_is_404(consent, partner, other_partner, as_user):
    response = _post(as_user(partner), "/api/v1/signatures/", _sign_body(consent, signer=other_partner.pk))
    assert response.status_code == 404
    assert not Signature.objects.exists()


def test_an_unpublished_version_and_a_missing_one_answer_the_same_404(consent, partner, as_user):
    client = as_user(partner)
    draft = DocumentVersion.objects.get(document__slug="privacy-notice")
    unpublished = _post(client, "/api/v1/signatures/", _sign_body(draft))
    missing = _post(client, "/api/v1/signatures/", {**_sign_body(draft), "version": 987654321})
    assert (unpublished.status_code, unpublished.json()) == (missing.status_code, missing.json())
    assert unpublished.status_code == 404


def test_signing_twice_is_409(consent, partner, as_user):
    client = as_user(partner)
    assert _post(client, "/api/v1/signatures/", _sign_body(consent)).status_code == 201
    again = _post(client, "/api/v1/signatures/", _sign_body(consent))
    assert again.status_code == 409
    assert "already signed" in again.json()["detail"]


def test_a_mistyped_name_is_a_400_naming_the_field(consent, partner, as_user):
    response = _post(as_user(partner), "/api/v1/signatures/", _sign_body(consent, name="Riley Lee"))
    assert response.status_code == 400
    assert list(response.json()) == ["typed_name"]


def test_a_partner_lists_only_their_own_signatures(consent, partner, other_partner, as_user, sign):
    sign(partner, consent)
    sign(other_partner, consent)
    rows = as_user(partner).get("/api/v1/signatures/").json()["results"]
    assert [row["signer"] for row in rows] == [partner.pk]


def test_another_partner_s_signature_is_404(consent, personas, as_user, sign):
    sams = sign(personas.partner, consent)
    for user in (personas.other_partner, personas.other_couple.partner_one, personas.other_counselor):
        assert as_user(user).get(f"/api/v1/signatures/{sams.pk}/").status_code == 404
        assert as_user(user).get(f"/api/v1/signatures/{sams.pk}/pdf/").status_code == 404


def test_counselors_read_their_couples_signatures_and_admins_all_audited(consent, personas, as_user, sign):
    sams = sign(personas.partner, consent)
    jos = sign(personas.other_couple.partner_one, consent)
    seen = {
        who: {row["id"] for row in as_user(getattr(personas, who)).get("/api/v1/signatures/").json()["results"]}
        for who in ("counselor", "other_counselor", "admin")
    }
    assert seen == {"counselor": {sams.pk}, "other_counselor": {jos.pk}, "admin": {sams.pk, jos.pk}}
    audited = AuditEvent.objects.filter(action=AuditAction.SIGNATURE_VIEWED)
    assert set(audited.values_list("actor__full_name", "target_id")) == {
        ("Dana Reyes", str(sams.pk)),
        ("Owen Park", str(jos.pk)),
        ("Alex Front", str(sams.pk)),
        ("Alex Front", str(jos.pk)),
    }


def test_a_partner_reading_their_own_is_not_audited(consent, partner, as_user, sign):
    sign(partner, consent)
    as_user(partner).get("/api/v1/signatures/")
    assert not AuditEvent.objects.filter(action=AuditAction.SIGNATURE_VIEWED).exists()


def test_the_pdf_downloads_uncached_with_the_hash_of_the_text(consent, partner, counselor, as_user, sign):
    signature = sign(partner, consent)
    for user in (partner, counselor):
        response = as_user(user).get(f"/api/v1/signatures/{signature.pk}/pdf/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "no-store" in response["Cache-Control"]
        pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
        assert hashlib.sha256(consent.text.encode()).hexdigest() in pdf_text.replace("\n", "")
    assert AuditEvent.objects.filter(action=AuditAction.SIGNATURE_VIEWED, actor=counselor).count() == 1


def test_the_signer_revokes_through_the_api(consent, partner, as_user, sign):
    signature = sign(partner, consent)
    response = _post(as_user(partner), f"/api/v1/signatures/{signature.pk}/revoke/", {"reason": "Talk first"})
    assert response.status_code == 200
    assert response.json()["revocation_reason"] == "Talk first"
    assert Signature.objects.filter(pk=signature.pk).exists()


def test_staff_cannot_revoke_a_partner_s_signature(consent, partner, counselor, as_user, sign):
    signature = sign(partner, consent)
    response = _post(as_user(counselor), f"/api/v1/signatures/{signature.pk}/revoke/", {"reason": "No"})
    assert response.status_code == 403


def test_everyone_but_admins_reads_only_published_versions(consent, personas, as_user):
    for who in ("partner", "counselor"):
        documents = as_user(getattr(personas, who)).get("/api/v1/documents/").json()["results"]
        assert [(d["slug"], [v["status"] for v in d["versions"]]) for d in documents] == [
            ("consent-to-treatment", ["published"])
        ]
    admin_view = as_user(personas.admin).get("/api/v1/documents/").json()["results"]
    assert len(admin_view) == 6


def test_a_draft_document_is_404_to_a_partner(partner, as_user):
    draft = DocumentVersion.objects.get(document__slug="privacy-notice")
    assert as_user(partner).get(f"/api/v1/documents/{draft.document_id}/").status_code == 404


def test_an_admin_drafts_and_publishes_through_the_api(consent, practice_admin, as_user):
    client = as_user(practice_admin)
    url = f"/api/v1/documents/{consent.document_id}/"
    draft = _post(client, url + "drafts/", {"text": "Second version."})
    assert (draft.status_code, draft.json()["number"], draft.json()["status"]) == (201, 2, "draft")
    published = _post(client, url + "publish/", {"number": 2, "must_resign": True})
    assert published.status_code == 200
    assert published.json()["sha256"] == hashlib.sha256(b"Second version.\n").hexdigest()
    assert _post(client, url + "publish/", {"number": 2}).status_code == 409


def test_a_partner_cannot_draft_or_publish(consent, partner, as_user):
    client = as_user(partner)
    url = f"/api/v1/documents/{consent.document_id}/"
    assert _post(client, url + "drafts/", {"text": "Mine."}).status_code == 403
    assert _post(client, url + "publish/", {"number": 1}).status_code == 403
    assert _post(client, "/api/v1/documents/", {"kind": "other", "title": "X", "text": "Y"}).status_code == 403


def test_asking_for_a_pdf_gets_one_and_its_404_is_json(consent, partner, as_user, sign):
    signature = sign(partner, consent)
    client = as_user(partner)
    found = client.get(f"/api/v1/signatures/{signature.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert (found.status_code, found["Content-Type"]) == (200, "application/pdf")
    missing = client.get("/api/v1/signatures/987654/pdf/", HTTP_ACCEPT="application/pdf")
    assert (missing.status_code, missing["Content-Type"]) == (404, "application/json")
