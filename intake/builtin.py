"""The built-in documents: six drafts in our own words, which the practice
reviews, adapts and publishes. Their texts are Markdown files beside this
module (builtin_texts/), each opening with a note that it is a draft.

Each is written in English and in Spanish (builtin_texts/es/, the title in
``translations``): a version carries its Spanish as a translation
(DocumentVersion.translations), so a Spanish-speaking partner reads and signs
the Spanish text.

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
# The same note in each translation's text.
DRAFT_NOTES = {"en": DRAFT_NOTE, "es": "**Borrador para que la práctica lo revise.**"}


def still_marked_draft(version: Any) -> bool:
    """Does a version's text, in any of its languages, still open with the built-in draft note?"""
    texts = [version.text, *(entry.get("text", "") for entry in (version.translations or {}).values())]
    return any(note in text for text in texts for note in DRAFT_NOTES.values())


class BuiltinDocument(TypedDict):
    slug: str
    kind: str
    title: str
    requires_signature: bool
    translations: dict[str, dict[str, str]]


BUILTIN_DOCUMENTS: list[BuiltinDocument] = [
    {
        "slug": "consent-to-treatment",
        "kind": "consent_to_treatment",
        "title": "Consent to counseling",
        "requires_signature": True,
        "translations": {"es": {"title": "Consentimiento para la consejería"}},
    },
    {
        "slug": "privacy-notice",
        "kind": "privacy_notice",
        "title": "Notice of privacy practices",
        "requires_signature": True,
        "translations": {"es": {"title": "Aviso de prácticas de privacidad"}},
    },
    {
        "slug": "telehealth-consent",
        "kind": "telehealth_consent",
        "title": "Consent to sessions by video",
        "requires_signature": True,
        "translations": {"es": {"title": "Consentimiento para sesiones por video"}},
    },
    {
        "slug": "couples-confidentiality",
        "kind": "couples_confidentiality",
        "title": "Confidentiality in couples counseling (no-secrets policy)",
        "requires_signature": True,
        "translations": {
            "es": {"title": "Confidencialidad en la consejería de pareja (política de no guardar secretos)"}
        },
    },
    {
        "slug": "cancellation-policy",
        "kind": "cancellation_policy",
        "title": "Cancellation and missed-session policy",
        "requires_signature": True,
        "translations": {"es": {"title": "Política de cancelaciones y sesiones perdidas"}},
    },
    {
        "slug": "release-of-information",
        "kind": "release_of_information",
        "title": "Permission to share information with other providers",
        "requires_signature": True,
        "translations": {"es": {"title": "Autorización para compartir información con otros profesionales"}},
    },
]


def builtin_text(slug: str, language: str = "en") -> str:
    """A built-in's text in English, or in another language ("" when it has none)."""
    folder = TEXTS if language == "en" else TEXTS / language
    path = folder / f"{slug.replace('-', '_')}.md"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def builtin_translations(slug: str) -> dict[str, dict[str, str]]:
    """A built-in version's translations, as DocumentVersion.translations holds a draft's."""
    found = {}
    for folder in sorted(path for path in TEXTS.iterdir() if path.is_dir()):
        text = builtin_text(slug, folder.name)
        if text:
            found[folder.name] = {"text": text}
    return found


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
    # A migration's historical models may predate the translations (intake 0005).
    with_languages = any(field.name == "translations" for field in version_model._meta.get_fields())
    counts = {"created": 0, "updated": 0, "kept": 0}
    existing = {d.slug: d for d in documents.filter(slug__in=[entry["slug"] for entry in BUILTIN_DOCUMENTS])}
    for entry in BUILTIN_DOCUMENTS:
        text = builtin_text(entry["slug"])
        translated = builtin_translations(entry["slug"]) if with_languages else {}
        document = existing.get(entry["slug"])
        fields: dict[str, Any] = {key: value for key, value in entry.items() if key != "translations"}
        if with_languages:
            fields["translations"] = entry["translations"]
        if document is None:
            document = documents.create(is_builtin=True, **fields)
            extra = {"translations": translated} if with_languages else {}
            versions.create(document=document, number=1, text=text, status="draft", created_by=None, **extra)
            counts["created"] += 1
            continue
        if with_languages and not document.translations:
            document.translations = entry["translations"]
            document.save(update_fields=["translations"])
        history = list(versions.filter(document=document).order_by("number"))
        untouched = len(history) == 1 and history[0].status == "draft" and history[0].created_by_id is None
        if not untouched:
            counts["kept"] += 1
        elif history[0].text != text or (with_languages and history[0].translations != translated):
            history[0].text = text
            changed = ["text"]
            if with_languages:
                history[0].translations = translated
                changed.append("translations")
            history[0].save(update_fields=changed)
            counts["updated"] += 1
    return counts
