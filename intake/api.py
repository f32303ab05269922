"""The documents, signatures and intake packets API (/api/v1/documents/,
/api/v1/signatures/, /api/v1/intake-packets/).

Practice admins keep the documents (every version, drafts, publishing);
everyone else signed in reads the published versions. A partner lists and
signs their own signatures and revokes them; counselors read their couples'
partners' signatures, admins every one; staff reads are audited. Anything
outside the caller's scope is 404, a version id in a body included.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from intake import selectors, services
from intake.models import Document, IntakePacket, Signature
from intake.pdf import signature_pdf
from intake.serializers import (
    DocumentCreateSerializer,
    DocumentSerializer,
    DocumentVersionSerializer,
    DraftSerializer,
    HoldOverrideSerializer,
    IntakePacketSerializer,
    PacketItemAddSerializer,
    PublishSerializer,
    RevokeSerializer,
    SignatureCreateSerializer,
    SignatureSerializer,
)
from portal import policy
from portal.api import request_user
from portal.errors import require
from portal.http import client_ip
from portal.schema import error_response

CONFLICT = OpenApiResponse(description="The state changed: already published, already signed or already revoked.")


class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DocumentSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Document.objects.none()
        return selectors.documents_visible_to(request_user(self.request))

    @extend_schema(request=DocumentCreateSerializer, responses={201: DocumentVersionSerializer})
    def create(self, request: Request) -> ApiResponse:
        """A new document of the practice, its text saved as draft version 1 (practice admins)."""
        user = request_user(request)
        require(policy.can_manage_documents(user), str(services.documents.ADMINS_ONLY))
        serializer = DocumentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.document_create(actor=user, **serializer.validated_data)
        return ApiResponse(DocumentVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DraftSerializer, responses={201: DocumentVersionSerializer})
    @action(detail=True, methods=["post"])
    def drafts(self, request: Request, pk: str) -> ApiResponse:
        """Save the text as the document's draft (the open draft, or the next version)."""
        document = self.get_object()
        serializer = DraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.document_version_draft(
            actor=request_user(request), document=document, text=serializer.validated_data["text"]
        )
        return ApiResponse(DocumentVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PublishSerializer, responses={200: DocumentVersionSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> ApiResponse:
        """Publish the draft with this number: its SHA-256 is stamped, the live version retired."""
        document = self.get_object()
        user = request_user(request)
        require(policy.can_manage_documents(user), str(services.documents.ADMINS_ONLY))
        serializer = PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = document.versions.filter(number=serializer.validated_data["number"]).first()
        if version is None:
            raise ValidationError({"number": ["This document has no version with that number."]})
        version = services.document_version_publish(
            actor=user, version=version, must_resign=serializer.validated_data["must_resign"]
        )
        return ApiResponse(DocumentVersionSerializer(version).data)


class SignatureViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = SignatureSerializer

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # A client asking the PDF for application/pdf gets it; its errors fall back to JSON.
        return super().perform_content_negotiation(request, force=force or self.action == "pdf")

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Signature.objects.none()
        return selectors.signatures_visible_to(request_user(self.request)).order_by("-signed_at", "-pk")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page) if page is not None else []
        services.signatures_record_access(viewer=request_user(request), signatures=rows, view="api-list")
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        signature = self.get_object()
        services.signatures_record_access(viewer=request_user(request), signatures=[signature], view="api-detail")
        return ApiResponse(self.get_serializer(signature).data)

    @extend_schema(
        request=SignatureCreateSerializer,
        responses={201: SignatureSerializer, 404: error_response("404"), 409: CONFLICT},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        """Sign a published version for yourself (partners). A version outside
        what you may sign, like a missing one, is 404."""
        user = request_user(request)
        serializer = SignatureCreateSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # A version that is not there, not published or not the caller's to sign: 404, alike.
            version_errors = serializer.errors.get("version", []) if isinstance(serializer.errors, dict) else []
            if any(getattr(error, "code", "") == "does_not_exist" for error in version_errors):
                raise NotFound("No such document version.")
            raise ValidationError(serializer.errors)
        data = serializer.validated_data
        if data.get("signer") not in (None, user.pk):
            raise NotFound("No such document version.")
        signature = services.signature_create(
            signer=user,
            version=data["version"],
            typed_name=data["typed_name"],
            agreed=data["agreed"],
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
            language=data.get("language"),
        )
        created = selectors.signatures_visible_to(user).get(pk=signature.pk)
        return ApiResponse(SignatureSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RevokeSerializer, responses={200: SignatureSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> ApiResponse:
        """Withdraw your signature (its signer only): a revocation is recorded, nothing deleted."""
        signature = self.get_object()
        serializer = RevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.signature_revoke(
            actor=request_user(request), signature=signature, reason=serializer.validated_data["reason"]
        )
        return ApiResponse(SignatureSerializer(self.get_queryset().get(pk=signature.pk)).data)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str) -> HttpResponse:
        """The signed document as a PDF: text, signer, time, IP address and SHA-256."""
        return signature_pdf_response(request_user(request), pk, view="api-pdf")


def signature_pdf_response(user: Any, signature_id: object, *, view: str) -> HttpResponse:
    """The PDF download, for the API and the pages alike (audited for staff)."""
    signature = selectors.signature_for(user, signature_id)  # Http404: DRF and Django both answer 404
    services.signatures_record_access(viewer=user, signatures=[signature], view=view)
    response = HttpResponse(signature_pdf(signature), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="signed-{signature.version.document.slug}-{signature.pk}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


class IntakePacketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """/api/v1/intake-packets/: each couple's packet and each partner's
    progress (staff in scope: both partners; a partner: their own part).
    Counselors of the couple and practice admins add and remove items;
    practice admins lift the hold on the first appointment."""

    serializer_class = IntakePacketSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return IntakePacket.objects.none()
        return selectors.packets_visible_to(request_user(self.request)).order_by("-created_at", "-pk")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        page = self.paginate_queryset(self.get_queryset())
        rows = selectors.packets_progress(request_user(request), list(page) if page is not None else [])
        return self.get_paginated_response(IntakePacketSerializer(rows, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        progress = selectors.progress_of(request_user(request), self.get_object())
        return ApiResponse(IntakePacketSerializer(progress).data)

    def _refreshed(self, user: Any, packet_id: int) -> ApiResponse:
        return ApiResponse(
            IntakePacketSerializer(selectors.progress_of(user, selectors.packet_for(user, packet_id))).data
        )

    @extend_schema(
        request=PacketItemAddSerializer,
        responses={201: IntakePacketSerializer, 403: error_response("403"), 404: error_response("404")},
    )
    @action(detail=True, methods=["post"])
    def items(self, request: Request, pk: str) -> ApiResponse:
        """Add a document or a questionnaire to this couple's packet. A document
        or template the caller may not use, like a missing one, is 404."""
        packet = self.get_object()
        user = request_user(request)
        serializer = PacketItemAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document_id, template_id = serializer.validated_data.get("document"), serializer.validated_data.get("template")
        if document_id is not None and not Document.objects.filter(pk=document_id, archived=False).exists():
            raise NotFound("No such document.")
        if template_id is not None and not selectors.questionnaire_usable(user, packet, template_id):
            raise NotFound("No such template.")
        services.packet_item_add(actor=user, packet=packet, document_id=document_id, template_id=template_id)
        response = self._refreshed(user, packet.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        request=None,
        responses={204: None, 403: error_response("403"), 404: error_response("404")},
    )
    @action(detail=True, methods=["delete"], url_path=r"items/(?P<item_id>[0-9]+)")
    def remove_item(self, request: Request, pk: str, item_id: str) -> ApiResponse:
        """Take an item out of this couple's packet (a questionnaire's exercise ends; answers are kept)."""
        packet = self.get_object()
        item = packet.items.filter(pk=int(item_id)).first()
        if item is None:
            raise NotFound("No such item.")
        services.packet_item_remove(actor=request_user(request), item=item)
        return ApiResponse(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=HoldOverrideSerializer,
        responses={200: IntakePacketSerializer, 403: error_response("403"), 404: error_response("404")},
    )
    @action(detail=True, methods=["post"], url_path="hold-override")
    def hold_override(self, request: Request, pk: str) -> ApiResponse:
        """Let the first appointment be confirmed although a document is unsigned (practice admins, with a reason)."""
        packet = self.get_object()
        user = request_user(request)
        serializer = HoldOverrideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.packet_hold_override(actor=user, packet=packet, reason=serializer.validated_data["reason"])
        return self._refreshed(user, packet.pk)
