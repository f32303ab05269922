"""Drafts and publishing: practice admins only; publishing stamps the hash
and retires the version that was live."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditAction, AuditEvent
from intake import services
from intake.models import Document, DocumentVersion, VersionStatus, text_sha256
from portal.errors import ServiceConflict


def test_publishing_stamps_the_hash_of_the_exact_text(practice_admin):
    draft = DocumentVersion.objects.get(document__slug="privacy-notice")
    published = services.document_version_publish(actor=practice_admin, version=draft)
    assert published.status == VersionStatus.PUBLISHED
    assert published.sha256 == text_sha256(draft.text)
    assert (published.published_by, published.published_at is not None) == (practice_admin, True)
    assert AuditEvent.objects.filter(action=AuditAction.DOCUMENT_VERSION_PUBLISHED).count() == 1


def test_a_new_draft_after_publishing_is_the_next_number_and_publishing_it_retires_the_old(consent, practice_admin):
    draft = services.document_version_draft(actor=practice_admin, document=consent.document, text="Second text.")
    assert (draft.number, draft.status) == (2, VersionStatus.DRAFT)
    services.document_version_publish(actor=practice_admin, version=draft, must_resign=True)
    statuses = dict(consent.document.versions.values_list("number", "status"))
    assert statuses == {1: VersionStatus.RETIRED, 2: VersionStatus.PUBLISHED}
    assert DocumentVersion.objects.get(pk=draft.pk).must_resign


def test_saving_a_draft_twice_edits_the_one_draft(practice_admin):
    document = Document.objects.get(slug="privacy-notice")
    first = services.document_version_draft(actor=practice_admin, document=document, text="One.")
    second = services.document_version_draft(actor=practice_admin, document=document, text="Two.")
    assert first.pk == second.pk
    assert document.versions.get().text == "Two.\n"


def test_publishing_a_published_version_again_is_a_conflict(consent, practice_admin):
    with pytest.raises(ServiceConflict):
        services.document_version_publish(actor=practice_admin, version=consent)


def test_an_empty_text_is_a_field_error(practice_admin):
    document = Document.objects.get(slug="privacy-notice")
    with pytest.raises(ValidationError) as caught:
        services.document_version_draft(actor=practice_admin, document=document, text="  \n ")
    assert set(caught.value.message_dict) == {"text"}


def test_only_practice_admins_keep_documents(counselor, partner):
    document = Document.objects.get(slug="privacy-notice")
    for person in (counselor, partner):
        with pytest.raises(PermissionDenied):
            services.document_version_draft(actor=person, document=document, text="Mine.")
        with pytest.raises(PermissionDenied):
            services.document_version_publish(actor=person, version=document.versions.get())
    assert document.versions.get().status == VersionStatus.DRAFT


def test_an_admin_adds_a_document_of_their_own(practice_admin):
    version = services.document_create(
        actor=practice_admin, kind="other", title="Payment agreement", text="We bill monthly."
    )
    assert (version.number, version.document.slug, version.document.is_builtin) == (1, "payment-agreement", False)
