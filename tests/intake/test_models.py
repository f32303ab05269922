"""A signed record and a published version never change: the ORM refuses,
and on PostgreSQL the database refuses a raw UPDATE or DELETE too."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from intake.models import (
    SIGNATURE_IMMUTABLE,
    VERSION_IMMUTABLE,
    Document,
    DocumentVersion,
    ImmutableRecordError,
    Signature,
    SignatureRevocation,
    text_sha256,
)
from portal.errors import violated_constraint


def _raw(sql: str, params: list) -> IntegrityError:
    assert connection.vendor == "postgresql", "run on PostgreSQL (set DATABASE_URL)"
    with pytest.raises(IntegrityError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return caught.value


def test_saving_a_stored_signature_again_raises(consent, partner, sign):
    signature = sign(partner, consent)
    signature.typed_name = "Someone Else"
    with pytest.raises(ImmutableRecordError):
        signature.save()
    assert Signature.objects.get(pk=signature.pk).typed_name == "Sam Lee"


def test_an_orm_update_of_signatures_raises(consent, partner, sign):
    signature = sign(partner, consent)
    with pytest.raises(ImmutableRecordError):
        Signature.objects.filter(pk=signature.pk).update(typed_name="Someone Else")


def test_a_signature_cannot_be_deleted_through_the_orm(consent, partner, sign):
    signature = sign(partner, consent)
    with pytest.raises(ImmutableRecordError):
        signature.delete()
    with pytest.raises(ImmutableRecordError):
        Signature.objects.filter(pk=signature.pk).delete()


def test_postgresql_refuses_a_raw_update_of_a_signature(consent, partner, sign):
    signature = sign(partner, consent)
    error = _raw("UPDATE intake_signature SET typed_name = %s WHERE id = %s", ["Someone Else", signature.pk])
    assert violated_constraint(error) == SIGNATURE_IMMUTABLE
    assert Signature.objects.get(pk=signature.pk).typed_name == "Sam Lee"


def test_postgresql_refuses_a_raw_delete_of_a_signature(consent, partner, sign):
    signature = sign(partner, consent)
    error = _raw("DELETE FROM intake_signature WHERE id = %s", [signature.pk])
    assert violated_constraint(error) == SIGNATURE_IMMUTABLE
    assert Signature.objects.filter(pk=signature.pk).exists()


def test_postgresql_refuses_a_raw_update_of_a_revocation(consent, partner, sign):
    from intake import services

    revocation = services.signature_revoke(actor=partner, signature=sign(partner, consent), reason="Changed my mind")
    error = _raw("UPDATE intake_signaturerevocation SET reason = 'x' WHERE id = %s", [revocation.pk])
    assert violated_constraint(error) == "intake_signaturerevocation_immutable"
    assert SignatureRevocation.objects.get(pk=revocation.pk).reason == "Changed my mind"


def test_a_published_version_s_text_cannot_be_changed_through_the_orm(consent):
    consent.text = "Something else entirely."
    with pytest.raises(ImmutableRecordError):
        consent.save()
    with pytest.raises(ImmutableRecordError):
        DocumentVersion.objects.filter(pk=consent.pk).update(text="Something else entirely.")
    assert DocumentVersion.objects.get(pk=consent.pk).sha256 == text_sha256(consent.document.versions.get().text)


@pytest.mark.parametrize(
    ("column", "value"), [("text", "Something else."), ("sha256", "0" * 64), ("status", "draft"), ("number", 9)]
)
def test_postgresql_refuses_a_raw_change_of_a_published_version(consent, column, value):
    error = _raw(f"UPDATE intake_documentversion SET {column} = %s WHERE id = %s", [value, consent.pk])
    assert violated_constraint(error) == VERSION_IMMUTABLE
    stored = DocumentVersion.objects.get(pk=consent.pk)
    assert (stored.status, stored.sha256) == ("published", text_sha256(stored.text))


def test_postgresql_refuses_publishing_with_a_hash_that_is_not_the_text_s(practice_admin):
    draft = DocumentVersion.objects.get(document__slug="privacy-notice")
    error = _raw(
        "UPDATE intake_documentversion SET status = 'published', published_at = now(), sha256 = %s WHERE id = %s",
        ["f" * 64, draft.pk],
    )
    assert violated_constraint(error) == VERSION_IMMUTABLE


def test_a_draft_stays_editable(practice_admin):
    draft = DocumentVersion.objects.get(document__slug="privacy-notice")
    draft.text = "Reviewed text."
    draft.save()
    assert DocumentVersion.objects.get(pk=draft.pk).text == "Reviewed text."


def test_a_signature_without_agreement_is_refused_by_the_database(consent, partner, couple):
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(
            version=consent,
            signer=partner,
            couple=couple,
            version_sha256=consent.sha256,
            typed_name="Sam Lee",
            agreed=False,
        )


def test_every_model_names_itself(consent, partner, sign):
    from intake import services

    signature = sign(partner, consent)
    revocation = services.signature_revoke(actor=partner, signature=signature, reason="Not now")
    assert str(consent.document) == "Consent to counseling"
    assert str(consent) == "Consent to counseling, version 1 (published)"
    assert str(signature).startswith("Sam Lee signed Consent to counseling, version 1")
    assert str(revocation).startswith(f"Revocation of signature {signature.pk}")
    assert Document.objects.count() == 6
