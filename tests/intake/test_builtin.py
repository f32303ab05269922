"""The built-in document drafts: installed by the migration as drafts, marked
as drafts at the top, idempotent on sync, our own words."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from intake import services
from intake.builtin import BUILTIN_DOCUMENTS, DRAFT_NOTE, builtin_text, install_builtin_documents
from intake.models import Document, DocumentKind, DocumentVersion
from tests.seed_text import copied_runs


def test_the_six_kinds_each_have_a_built_in_draft(db):
    kinds = set(Document.objects.filter(is_builtin=True).values_list("kind", flat=True))
    assert kinds == set(DocumentKind.values) - {DocumentKind.OTHER}
    assert set(DocumentVersion.objects.values_list("status", flat=True)) == {"draft"}


def test_every_built_in_text_opens_with_the_draft_note():
    for entry in BUILTIN_DOCUMENTS:
        first_line = builtin_text(entry["slug"]).splitlines()[0]
        assert DRAFT_NOTE in first_line and "review" in first_line, entry["slug"]


def test_installing_again_changes_nothing(db):
    before = list(DocumentVersion.objects.order_by("pk").values())
    assert install_builtin_documents() == {"created": 0, "updated": 0, "kept": 0}
    assert list(DocumentVersion.objects.order_by("pk").values()) == before


def test_sync_refreshes_an_untouched_draft_and_keeps_the_practice_s_edits(practice_admin):
    untouched = DocumentVersion.objects.get(document__slug="cancellation-policy")
    untouched.text = "Shipped long ago."
    untouched.save()
    edited = Document.objects.get(slug="privacy-notice")
    services.document_version_draft(actor=practice_admin, document=edited, text="Our own notice.")
    call_command("sync_builtins", stdout=StringIO())
    assert DocumentVersion.objects.get(document__slug="cancellation-policy").text == builtin_text("cancellation-policy")
    assert edited.versions.get().text == "Our own notice.\n"


def test_no_built_in_document_copies_a_run_of_six_words_from_the_seed_articles():
    texts = [entry["title"] for entry in BUILTIN_DOCUMENTS] + [builtin_text(e["slug"]) for e in BUILTIN_DOCUMENTS]
    assert copied_runs(texts) == []
