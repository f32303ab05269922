"""API shapes for documents and signatures. Ids in bodies are looked up in
the caller's scope (portal.api.ScopedPrimaryKeyRelatedField)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from intake import selectors
from intake.models import Document, DocumentKind, DocumentVersion, Signature, VersionStatus
from portal.api import ScopedPrimaryKeyRelatedField


class DocumentVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentVersion
        fields = ["id", "document", "number", "text", "sha256", "status", "must_resign", "published_at"]


class DocumentSerializer(serializers.ModelSerializer):
    versions = serializers.SerializerMethodField(
        help_text="Newest first: every version for practice admins, the published one for anyone else."
    )

    class Meta:
        model = Document
        fields = ["id", "slug", "kind", "title", "is_builtin", "requires_signature", "archived", "versions"]

    @extend_schema_field(DocumentVersionSerializer(many=True))
    def get_versions(self, document: Document) -> list[dict[str, Any]]:
        shown = getattr(document, "shown_versions", None)
        versions = shown if shown is not None else list(document.versions.order_by("-number"))
        return list(DocumentVersionSerializer(versions, many=True).data)


class DocumentCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=60_000, help_text="Markdown; saved as draft version 1.")
    requires_signature = serializers.BooleanField(default=True)


class DraftSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=60_000, help_text="Markdown; edits the open draft or starts the next.")


class PublishSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=1, max_value=1_000_000, help_text="The draft version's number.")
    must_resign = serializers.BooleanField(
        default=False, help_text="Partners who signed an earlier version must sign this one again."
    )


def _signable_versions(user: User) -> QuerySet[DocumentVersion]:
    return selectors.document_versions_visible_to(user).filter(status=VersionStatus.PUBLISHED)


class SignatureSerializer(serializers.ModelSerializer):
    document = serializers.IntegerField(source="version.document_id", read_only=True)
    document_title = serializers.CharField(source="version.document.local_title", read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    signer_name = serializers.CharField(source="signer.full_name", read_only=True)
    revoked_at = serializers.SerializerMethodField()
    revocation_reason = serializers.SerializerMethodField()

    class Meta:
        model = Signature
        fields = [
            "id",
            "document",
            "document_title",
            "version",
            "version_number",
            "version_sha256",
            "language",
            "signer",
            "signer_name",
            "couple",
            "typed_name",
            "agreed",
            "signed_at",
            "ip_address",
            "user_agent",
            "revoked_at",
            "revocation_reason",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_revoked_at(self, signature: Signature) -> str | None:
        revocation = getattr(signature, "revocation", None)
        return None if revocation is None else serializers.DateTimeField().to_representation(revocation.revoked_at)

    def get_revocation_reason(self, signature: Signature) -> str | None:
        revocation = getattr(signature, "revocation", None)
        return None if revocation is None else revocation.reason


class SignatureCreateSerializer(serializers.Serializer):
    version = ScopedPrimaryKeyRelatedField(
        queryset=DocumentVersion.objects.all(), scope=_signable_versions, help_text="A published version's id."
    )
    typed_name = serializers.CharField(max_length=150, help_text="Your full name, as on your account.")
    agreed = serializers.BooleanField(help_text="Must be true: “I agree”.")
    signer = serializers.IntegerField(
        required=False, help_text="Optional; if given, your own user id (anyone else's answers 404)."
    )
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text="The language of the text you read and sign (default: yours); a version without that text "
        "is signed in English.",
    )


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


# --- The intake packet ----------------------------------------------------------------


class PacketItemProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item.pk")
    kind = serializers.ChoiceField(choices=[("document", "document"), ("questionnaire", "questionnaire")])
    title = serializers.CharField()
    document = serializers.IntegerField(source="item.document_id", allow_null=True)
    template = serializers.IntegerField(source="item.template_id", allow_null=True)
    available = serializers.BooleanField(help_text="False for a document with no published version yet.")
    done = serializers.BooleanField(help_text="Signed (a document) or submitted (a questionnaire).")
    started = serializers.BooleanField(help_text="A questionnaire with a draft answer.")
    resign = serializers.BooleanField(help_text="A document to sign again in its new version.")


class PartnerProgressSerializer(serializers.Serializer):
    partner = serializers.IntegerField(source="partner.pk")
    name = serializers.CharField(source="partner.full_name")
    status = serializers.ChoiceField(choices=[("not_started", ""), ("in_progress", ""), ("complete", "")])
    missing = serializers.ListField(child=serializers.CharField(), help_text="Titles of what is left to do.")
    items = PacketItemProgressSerializer(many=True)


class IntakePacketSerializer(serializers.Serializer):
    """A couple's packet as the caller may see it: both partners for staff,
    a partner's own part for them. Status only, never an answer."""

    id = serializers.IntegerField(source="packet.pk")
    couple = serializers.IntegerField(source="packet.couple_id")
    created_at = serializers.DateTimeField(source="packet.created_at")
    documents_unsigned = serializers.BooleanField(
        help_text="A partner shown here has a document of the packet to sign (the first appointment waits)."
    )
    hold_overridden_at = serializers.DateTimeField(source="packet.hold_overridden_at", allow_null=True)
    partners = PartnerProgressSerializer(many=True)


class PacketItemAddSerializer(serializers.Serializer):
    document = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1)
    template = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("document") is None) == (attrs.get("template") is None):
            raise serializers.ValidationError(gettext("Give either a document or a template (a questionnaire)."))
        return attrs


class HoldOverrideSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=1000, help_text="Why the first session may go ahead without the signatures."
    )
