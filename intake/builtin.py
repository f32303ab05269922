"""The built-in documents: six drafts in our own words, which the practice
reviews, adapts and publishes. Their texts are Markdown files beside this
module (builtin_texts/), each opening with a note that it is a draft.

Installed by migration 0003 and by ``manage.py sync_builtins`` on upgrade, as
DRAFT versions only: nothing is ever published for the practice. An upgrade
refreshes a built-in's draft while nobody has touched it (created by the
installer, never published); once the practice edits or publishes one, its
text is the practice's and is left alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypedDict

TEXTS = Path(__file__).resolve().parent / "builtin_texts"
# Opens every built-in text; the admin's pages warn while a version still carries it.
DRAFT_NOTE = "**Draft for the practice to review.**"


class BuiltinDocument(TypedDict):
    slug: str
    kind: str
    title: str
    requires_signature: bool


BUILTIN_DOCUMENTS: list[BuiltinDocument] = [
    {
        "slug": "consent-to-treatment",
        "kind": "consent_to_treatment",
        "title": "Consent to counseling",
        "requires_signature": True,
    },
    {
        "slug": "privacy-notice",
        "kind": "privacy_notice",
        "title": "Notice of privacy practices",
        "requires_signature": True,
    },
    {
        "slug": "telehealth-consent",
        "kind": "telehealth_consent",
        "title": "Consent to sessions by video",
        "requires_signature": True,
    },
    {
        "slug": "couples-confidentiality",
        "kind": "couples_confidentiality",
        "title": "Confidentiality in couples counseling (no-secrets policy)",
        "requires_signature": True,
    },
    {
        "slug": "cancellation-policy",
        "kind": "cancellation_policy",
        "title": "Cancellation and missed-session policy",
        "requires_signature": True,
    },
    {
        "slug": "release-of-information",
        "kind": "release_of_information",
        "title": "Permission to share information with other providers",
        "requires_signature": True,
    },
]


def builtin_text(slug: str) -> str:
    return (TEXTS / f"{slug.replace('-', '_')}.md").read_text(encoding="utf-8")


def install_builtin_documents(
    document_model: type[Any] | None = None, version_model: type[Any] | None = None
) -> dict[str, int]:
    """Create each missing built-in document with a draft version 1, and
    refresh untouched built-in drafts; counts of what was done. The models
    are a migration's historical ones when called from a migration."""
    if document_model is None or version_model is None:
        from intake.models import Document, DocumentVersion

        document_model, version_model = Document, DocumentVersion
    documents: Any = document_model._default_manager
    versions: Any = version_model._default_manager
    counts = {"created": 0, "updated": 0, "kept": 0}
    existing = {d.slug: d for d in documents.filter(slug__in=[entry["slug"] for entry in BUILTIN_DOCUMENTS])}
    for entry in BUILTIN_DOCUMENTS:
        text = builtin_text(entry["slug"])
        document = existing.get(entry["slug"])
        if document is None:
            document = documents.create(is_builtin=True, **entry)
            versions.create(document=document, number=1, text=text, status="draft", created_by=None)
            counts["created"] += 1
            continue
        history = list(versions.filter(document=document).order_by("number"))
        untouched = len(history) == 1 and history[0].status == "draft" and history[0].created_by_id is None
        if not untouched:
            counts["kept"] += 1
        elif history[0].text != text:
            history[0].text = text
            history[0].save(update_fields=["text"])
            counts["updated"] += 1
    return counts
