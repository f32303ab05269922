"""The practice's documents, their versions, and each partner's signature.

A document (consent to treatment, the couples' confidentiality policy...) is
kept as numbered versions. A draft may be edited; once published, a
version's text and its SHA-256 never change (retiring it, when the next one
is published, is the only change left). A signature names the exact version
signed and copies its hash. A signature is never changed or deleted: its
signer may revoke it, which adds a SignatureRevocation row.

Immutability is held twice: here (``save()`` refuses an update, the
querysets' ``update()`` and ``delete()`` raise) and, on PostgreSQL, by the
triggers of migration 0002, which refuse a raw UPDATE or DELETE as well.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.languages import active_language
from exercises.translations import localized_title

# The name PostgreSQL's triggers report (portal.errors.violated_constraint finds it).
SIGNATURE_IMMUTABLE = "intake_signature_immutable"
REVOCATION_IMMUTABLE = "intake_signaturerevocation_immutable"
VERSION_IMMUTABLE = "intake_documentversion_published_immutable"


class ImmutableRecordError(Exception):
    """A signed record, a revocation or a published version was about to be
    changed or deleted: there is no such path."""


def text_sha256(text: str) -> str:
    """The hash a version and its signatures carry: SHA-256 of the exact text, UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The language a document's own text (title, version text) is written in; the
# others are carried in ``translations`` (see DocumentVersion).
SOURCE_LANGUAGE = "en"


class DocumentKind(models.TextChoices):
    CONSENT_TO_TREATMENT = "consent_to_treatment", _("Consent to treatment")
    PRIVACY_NOTICE = "privacy_notice", _("Notice of privacy practices")
    TELEHEALTH_CONSENT = "telehealth_consent", _("Telehealth consent")
    COUPLES_CONFIDENTIALITY = "couples_confidentiality", _("Confidentiality in couples work (no-secrets policy)")
    CANCELLATION_POLICY = "cancellation_policy", _("Cancellation policy")
    RELEASE_OF_INFORMATION = "release_of_information", _("Release of information")
    OTHER = "other", pgettext_lazy("document kind", "Other")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("document version status", "Draft")
    PUBLISHED = "published", pgettext_lazy("document version status", "Published")
    RETIRED = "retired", pgettext_lazy("document version status", "Retired")


class Document(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=32, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    is_builtin = models.BooleanField(default=False)
    requires_signature = models.BooleanField(default=True)
    archived = models.BooleanField(default=False)
    translations = models.JSONField(
        default=dict, blank=True, help_text='The title in other languages: {"es": {"title": "..."}}.'
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="document_kind_valid")]

    def __str__(self) -> str:
        return self.title

    def title_in(self, language: str | None = None) -> str:
        found = (self.translations or {}).get(language or active_language())
        return str(found.get("title") or self.title) if isinstance(found, dict) else self.title

    @property
    def local_title(self) -> str:
        """The title in the language being written in now (templates)."""
        return self.title_in()


class DocumentVersionQuerySet(models.QuerySet["DocumentVersion"]):
    FROZEN_FIELDS = frozenset({"text", "sha256", "number", "document", "document_id", "published_at", "translations"})

    def update(self, **kwargs: Any) -> int:
        # Drafts are edited one by one through save(), which checks the stored state.
        frozen = self.FROZEN_FIELDS & set(kwargs)
        if frozen:
            raise ImmutableRecordError(f"A version's {', '.join(sorted(frozen))} is not changed in bulk.")
        return super().update(**kwargs)


class DocumentVersion(models.Model):
    """One version of a document. Its ``text`` is in English (SOURCE_LANGUAGE);
    ``translations`` carries the same version in other languages,
    ``{"es": {"text": "...", "sha256": "..."}}``, written with the draft and
    frozen with it on publishing (each translation's hash stamped then). A
    partner reads and signs the version in their language where it has one,
    in English otherwise; the signature records which (Signature.language)."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField(help_text="Markdown.")
    translations = models.JSONField(
        default=dict, blank=True, help_text='The text in other languages: {"es": {"text", "sha256"}} (Markdown).'
    )
    sha256 = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the text, set on publishing.")
    status = models.CharField(max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    must_resign = models.BooleanField(
        default=False, help_text="Partners who signed an earlier version must sign this one again."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = DocumentVersionQuerySet.as_manager()

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_number_unique"),
            models.CheckConstraint(condition=Q(status__in=VersionStatus.values), name="document_version_status_valid"),
            models.CheckConstraint(
                condition=Q(status=VersionStatus.DRAFT) | (Q(published_at__isnull=False) & ~Q(sha256="")),
                name="document_version_published_has_time_and_hash",
            ),
            models.UniqueConstraint(
                fields=["document"], condition=Q(status=VersionStatus.PUBLISHED), name="document_one_published_version"
            ),
            models.UniqueConstraint(
                fields=["document"], condition=Q(status=VersionStatus.DRAFT), name="document_one_draft_version"
            ),
        ]
        indexes = [models.Index(fields=["status", "document"], name="intake_version_status_doc")]

    def __str__(self) -> str:
        return f"{self.document.title}, version {self.number} ({self.get_status_display().lower()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self.pk is not None:
            stored = (
                DocumentVersion.objects.filter(pk=self.pk)
                .values("status", "text", "sha256", "number", "translations")
                .first()
            )
            if stored is not None and stored["status"] != VersionStatus.DRAFT:
                changed = [
                    name for name in ("text", "sha256", "number", "translations") if getattr(self, name) != stored[name]
                ]
                if changed or self.status == VersionStatus.DRAFT:
                    raise ImmutableRecordError("A published version is never changed: write a new version.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.status != VersionStatus.DRAFT:
            raise ImmutableRecordError("A published version is never deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    @property
    def languages(self) -> list[str]:
        """The languages this version can be read and signed in, its own first."""
        others = [code for code, entry in (self.translations or {}).items() if (entry or {}).get("text")]
        return [SOURCE_LANGUAGE, *sorted(others)]

    def reading_language(self, language: str | None = None) -> str:
        """The language a reader of ``language`` (default: the active one) reads this version in."""
        wanted = language or active_language()
        return wanted if wanted in self.languages else SOURCE_LANGUAGE

    def text_in(self, language: str | None = None) -> str:
        language = self.reading_language(language)
        if language == SOURCE_LANGUAGE:
            return self.text
        return str(self.translations[language]["text"])

    def sha256_in(self, language: str | None = None) -> str:
        """The SHA-256 of the text in ``language``: stamped on publishing (computed for a draft)."""
        language = self.reading_language(language)
        if language == SOURCE_LANGUAGE:
            return self.sha256 or text_sha256(self.text)
        entry = self.translations[language]
        return str(entry.get("sha256") or text_sha256(entry["text"]))


class ImmutableQuerySet(models.QuerySet[Any]):
    """No bulk change or deletion of records that are signed for good."""

    def update(self, **kwargs: Any) -> int:
        raise ImmutableRecordError(f"{self.model.__name__} rows are never changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableRecordError(f"{self.model.__name__} rows are never deleted.")


class ImmutableModel(models.Model):
    """Inserted once; save() of a stored row and delete() raise."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecordError(f"{type(self).__name__} rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableRecordError(f"{type(self).__name__} rows are never deleted.")


class Signature(ImmutableModel):
    """One partner's signature of one version. ``attempt`` counts the
    signer's signatures of the version: a new one is allowed only after the
    previous one was revoked (signature_create checks it under a lock), and
    two at once with the same number cannot both be saved."""

    version = models.ForeignKey(DocumentVersion, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures")
    couple = models.ForeignKey("accounts.Couple", on_delete=models.PROTECT, related_name="signatures")
    attempt = models.PositiveSmallIntegerField(default=1)
    version_sha256 = models.CharField(
        max_length=64, help_text="The hash of the signed text (in ``language``), copied when signing."
    )
    language = models.CharField(
        max_length=8, default=SOURCE_LANGUAGE, help_text="The language of the text that was read and signed."
    )
    typed_name = models.CharField(max_length=150)
    agreed = models.BooleanField()
    signed_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(agreed=True), name="signature_agreed"),
            models.CheckConstraint(condition=~Q(typed_name=""), name="signature_typed_name_given"),
            models.CheckConstraint(condition=Q(attempt__gte=1), name="signature_attempt_positive"),
            models.UniqueConstraint(fields=["version", "signer", "attempt"], name="signature_one_per_attempt"),
        ]
        indexes = [
            models.Index(fields=["signer", "version"], name="intake_signature_signer"),
            models.Index(fields=["couple", "signed_at"], name="intake_signature_couple"),
        ]

    def __str__(self) -> str:
        return f"{self.typed_name} signed {self.version} on {self.signed_at:%Y-%m-%d %H:%M}"


class SignatureRevocation(ImmutableModel):
    """A signer's withdrawal of their signature: recorded, never deleted."""

    signature = models.OneToOneField(Signature, on_delete=models.PROTECT, related_name="revocation")
    revoked_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(max_length=2000)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["-revoked_at"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="signature_revocation_reason_given")]

    def __str__(self) -> str:
        return f"Revocation of signature {self.signature_id} on {self.revoked_at:%Y-%m-%d %H:%M}"


# --- The intake packet -------------------------------------------------------------
#
# What a couple completes before their first session: documents each partner
# signs and questionnaires each partner answers (exercise templates, given to
# the couple as assignments). The practice keeps a default (DefaultPacketItem);
# a couple's packet is copied from it when the couple is invited and may then
# be adjusted for that couple alone (IntakePacketItem).

ONE_OF_DOCUMENT_OR_TEMPLATE = Q(document__isnull=False, template__isnull=True) | Q(
    document__isnull=True, template__isnull=False
)


class DefaultPacketItem(models.Model):
    """One entry of the practice's default packet: a document or a questionnaire."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    template = models.ForeignKey(
        "exercises.ExerciseTemplate", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=ONE_OF_DOCUMENT_OR_TEMPLATE, name="default_packet_item_one_kind"),
            models.UniqueConstraint(
                fields=["document"], condition=Q(document__isnull=False), name="default_packet_document_once"
            ),
            models.UniqueConstraint(
                fields=["template"], condition=Q(template__isnull=False), name="default_packet_template_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Default packet: {self.document or self.template}"


class IntakePacket(models.Model):
    """A couple's packet. The hold on their first appointment (it is not
    confirmed while a partner has a document to sign) may be lifted by a
    practice admin, with a reason kept here and in the audit trail."""

    couple = models.OneToOneField("accounts.Couple", on_delete=models.CASCADE, related_name="intake_packet")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hold_override_reason = models.TextField(blank=True, max_length=1000)
    hold_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hold_overridden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hold_overridden_at__isnull=True, hold_override_reason="")
                | (Q(hold_overridden_at__isnull=False) & ~Q(hold_override_reason="")),
                name="intake_packet_override_has_reason",
            )
        ]
        indexes = [models.Index(fields=["-created_at", "-id"], name="intake_packet_newest")]

    def __str__(self) -> str:
        return f"Intake packet of couple {self.couple_id}"

    @property
    def hold_overridden(self) -> bool:
        return self.hold_overridden_at is not None


class IntakePacketItem(models.Model):
    """A document to sign or a questionnaire to answer, in one couple's
    packet. A questionnaire's assignment is the exercise the couple was given
    for it (each partner answers their own, seen by the counselor only)."""

    packet = models.ForeignKey(IntakePacket, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    template = models.ForeignKey(
        "exercises.ExerciseTemplate", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assignment = models.OneToOneField(
        "exercises.Assignment", on_delete=models.SET_NULL, null=True, blank=True, related_name="intake_item"
    )
    position = models.PositiveSmallIntegerField(default=0)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["packet", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=ONE_OF_DOCUMENT_OR_TEMPLATE, name="packet_item_one_kind"),
            models.CheckConstraint(
                condition=Q(assignment__isnull=True) | Q(template__isnull=False),
                name="packet_item_assignment_is_questionnaire",
            ),
            models.UniqueConstraint(
                fields=["packet", "document"], condition=Q(document__isnull=False), name="packet_document_once"
            ),
            models.UniqueConstraint(
                fields=["packet", "template"], condition=Q(template__isnull=False), name="packet_template_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document or self.template} in the packet of couple {self.packet.couple_id}"

    @property
    def title(self) -> str:
        return self.document.title if self.document is not None else self.template.title  # type: ignore[union-attr]

    @property
    def local_title(self) -> str:
        """The title in the language being written in now."""
        if self.document is not None:
            return self.document.local_title
        return localized_title(self.template)  # type: ignore[arg-type]
