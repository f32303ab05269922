"""The practice's documents: drafts and publishing (practice admins only).

A draft is the one version of a document still open to edits; publishing it
fixes its text, stamps the SHA-256 of that exact text and retires the
version that was live, in one transaction with the document locked.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy

from accounts.models import AuditAction, User
from accounts.services import audit_record
from intake.models import SOURCE_LANGUAGE, Document, DocumentKind, DocumentVersion, VersionStatus, text_sha256
from portal import policy
from portal.errors import ServiceConflict, require

MAX_TEXT_LENGTH = 60_000
ADMINS_ONLY = gettext_lazy("Only the practice's admins keep its documents.")
# The languages a version may carry a translation into (settings.LANGUAGES but the source's).
TRANSLATION_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE)


def _clean_text(text: str, field: str = "text") -> str:
    cleaned = (text or "").replace("\r\n", "\n").strip()
    if not cleaned:
        raise ValidationError({field: gettext("Write the document's text.")})
    if len(cleaned) > MAX_TEXT_LENGTH:
        raise ValidationError(
            {field: gettext("Keep the text under %(count)s characters.") % {"count": f"{MAX_TEXT_LENGTH:,}"}}
        )
    return cleaned + "\n"


def _clean_translations(translations: dict[str, str] | None) -> dict[str, dict[str, str]]:
    """``{"es": "Markdown"}`` as a version stores it (``{"es": {"text": ...}}``); an empty text drops the language."""
    cleaned: dict[str, dict[str, str]] = {}
    for language, text in (translations or {}).items():
        if language not in TRANSLATION_LANGUAGES:
            raise ValidationError(
                {"translations": gettext("“%(code)s” is not a language the portal offers.") % {"code": language}}
            )
        if (text or "").strip():
            cleaned[language] = {"text": _clean_text(text, f"text_{language}")}
    return cleaned


def _unique_slug(title: str) -> str:
    base = slugify(title)[:60] or "document"
    slug, n = base, 1
    while Document.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def document_create(
    *, actor: User, kind: str, title: str, text: str, requires_signature: bool = True
) -> DocumentVersion:
    """A new document of the practice, with its text as draft version 1."""
    require(policy.can_manage_documents(actor), str(ADMINS_ONLY))
    title = (title or "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = gettext("Give the document a title.")
    elif len(title) > 200:
        errors["title"] = gettext("Keep the title under 200 characters.")
    if kind not in DocumentKind.values:
        errors["kind"] = gettext("Choose one of the kinds listed.")
    if errors:
        raise ValidationError(errors)
    cleaned = _clean_text(text)
    document = Document.objects.create(
        slug=_unique_slug(title), kind=kind, title=title, requires_signature=requires_signature
    )
    version = DocumentVersion.objects.create(document=document, number=1, text=cleaned, created_by=actor)
    audit_record(actor=actor, action=AuditAction.DOCUMENT_CREATED, target=document, version=1)
    return version


@transaction.atomic
def document_version_draft(
    *, actor: User, document: Document, text: str, translations: dict[str, str] | None = None
) -> DocumentVersion:
    """Save ``text`` as the document's draft: the open draft is edited, or a
    new version numbered after the last is started. Published versions are
    never touched. ``translations``: the same version in other languages
    (``{"es": "Markdown"}``), replacing the draft's: a draft saved without
    them has none (a translation is given with the text it translates)."""
    require(policy.can_manage_documents(actor), str(ADMINS_ONLY))
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.archived:
        raise ValidationError({"text": gettext("This document is archived.")})
    cleaned = _clean_text(text)
    draft = DocumentVersion.objects.filter(document=document, status=VersionStatus.DRAFT).first()
    given = _clean_translations(translations)
    if draft is None:
        last = DocumentVersion.objects.filter(document=document).aggregate(last=Max("number"))["last"] or 0
        draft = DocumentVersion.objects.create(
            document=document, number=last + 1, text=cleaned, translations=given, created_by=actor
        )
    else:
        # The practice's own words from now on: sync_builtins leaves an edited draft alone.
        draft.text, draft.translations, draft.created_by = cleaned, given, actor
        draft.save(update_fields=["text", "translations", "created_by"])
    audit_record(actor=actor, action=AuditAction.DOCUMENT_VERSION_DRAFTED, target=draft, number=draft.number)
    return draft


@transaction.atomic
def document_version_publish(*, actor: User, version: DocumentVersion, must_resign: bool = False) -> DocumentVersion:
    """Publish the draft ``version``: its hash is stamped, the live version
    retired. ``must_resign``: partners who signed an earlier version are
    asked to sign this one (intake.selectors.signatures_needed_for)."""
    require(policy.can_manage_documents(actor), str(ADMINS_ONLY))
    Document.objects.select_for_update().get(pk=version.document_id)
    version = DocumentVersion.objects.select_related("document").get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ServiceConflict(
            gettext("Version %(number)d is already %(status)s.")
            % {"number": version.number, "status": version.get_status_display().lower()}
        )
    if version.document.archived:
        raise ValidationError({"version": gettext("This document is archived.")})
    live = DocumentVersion.objects.filter(document_id=version.document_id, status=VersionStatus.PUBLISHED).first()
    if live is not None:
        live.status = VersionStatus.RETIRED
        live.save(update_fields=["status"])
    version.status = VersionStatus.PUBLISHED
    version.sha256 = text_sha256(version.text)
    # Each translation is frozen with its own hash: a signature copies the hash of the text it signed.
    version.translations = {
        language: {"text": entry["text"], "sha256": text_sha256(entry["text"])}
        for language, entry in (version.translations or {}).items()
        if entry.get("text")
    }
    version.published_at = timezone.now()
    version.published_by = actor
    version.must_resign = bool(must_resign) and live is not None
    version.save(update_fields=["status", "sha256", "translations", "published_at", "published_by", "must_resign"])
    audit_record(
        actor=actor,
        action=AuditAction.DOCUMENT_VERSION_PUBLISHED,
        target=version,
        number=version.number,
        sha256=version.sha256,
        languages=version.languages,
        must_resign=version.must_resign,
        retired=live.number if live is not None else None,
    )
    return version
