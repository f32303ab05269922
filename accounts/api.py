"""The accounts API (/api/v1/...): one's own profile, couples, invitations,
and exchanging credentials for a token. Out-of-scope ids are 404."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import auth, services
from accounts.models import Couple, Invitation, User
from accounts.serializers import (
    CoupleSerializer,
    CoupleStatusSerializer,
    InvitationSerializer,
    InviteAcceptedSerializer,
    InviteCoupleSerializer,
    MeSerializer,
    TokenRefusedSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from portal import policy
from portal.api import request_user
from portal.schema import FIELD_ERRORS


class MeView(generics.RetrieveUpdateAPIView):
    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> User:
        return request_user(self.request)

    def perform_update(self, serializer: MeSerializer) -> None:  # type: ignore[override]
        user = self.get_object()
        data = {
            "full_name": serializer.validated_data.get("full_name", user.full_name),
            "time_zone": serializer.validated_data.get("time_zone", user.time_zone),
            "phone": serializer.validated_data.get("phone", user.phone),
            "language": serializer.validated_data.get("language", user.language),
        }
        services.user_update_profile(user=user, **data)


class CoupleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CoupleSerializer
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet[Couple]:
        if getattr(self, "swagger_fake_view", False):  # the schema, built for no one
            return Couple.objects.none()
        return policy.couples_visible_to(request_user(self.request)).order_by("pk")

    def get_object(self) -> Couple:
        return policy.couple_for(request_user(self.request), self.kwargs["pk"])

    @extend_schema(request=CoupleStatusSerializer, responses=CoupleSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        couple = self.get_object()
        if not policy.can_manage_couple(user, couple):
            raise NotFound()
        serializer = CoupleStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.couple_set_status(couple=couple, status=serializer.validated_data["status"], actor=user)
        return Response(CoupleSerializer(couple).data)


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Invite a couple (both partners at once), list invitations, re-send one."""

    serializer_class = InvitationSerializer

    def get_queryset(self) -> QuerySet[Invitation]:
        if getattr(self, "swagger_fake_view", False):  # the schema, built for no one
            return Invitation.objects.none()
        user = request_user(self.request)
        if not policy.can_invite_couples(user):
            return Invitation.objects.none()
        couples = policy.couples_visible_to(user)
        return Invitation.objects.filter(couple__in=couples).select_related("user").order_by("-created_at", "pk")

    @extend_schema(request=InviteCoupleSerializer, responses={202: InviteAcceptedSerializer})
    def create(self, request: Request) -> Response:
        """202 and the same body whoever the addresses belong to: an address
        that cannot join is held for the front desk, never told to the inviter."""
        user = request_user(request)
        if not policy.can_invite_couples(user):
            raise NotFound()
        serializer = InviteCoupleSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.couple_invite_or_hold(
            invited_by=user,
            partner_one=services.PartnerDetails(
                data["partner_one_name"], data["partner_one_email"], data.get("partner_one_language", "")
            ),
            partner_two=services.PartnerDetails(
                data["partner_two_name"], data["partner_two_email"], data.get("partner_two_language", "")
            ),
            primary_counselor=data.get("primary_counselor"),
            time_zone=data.get("time_zone"),
        )
        return Response({"detail": str(services.INVITE_ACCEPTED_TEXT)}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def resend(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        invitation = self.get_object()
        couple = policy.couple_for(user, invitation.couple_id)
        if not policy.can_manage_couple(user, couple):
            raise NotFound()
        invitation.couple = couple  # as policy loaded it (counselors prefetched), for the service's own check
        services.invitation_resend(invitation=invitation, actor=user)
        return Response(InvitationSerializer(invitation).data)


class TokenView(APIView):
    """Exchange e-mail, password and (where 2FA is on) a code for a new API token."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            # A missing field is named as on every endpoint; refused credentials say why in
            # detail (and otp_code when a code is missing or wrong).
            400: OpenApiResponse(
                response=FIELD_ERRORS, description="Missing fields, or credentials that do not give a token."
            ),
            429: TokenRefusedSerializer,
        },
        description="A new token at every call, valid until `expiry`. Too many attempts from one address, "
        "or too many wrong codes for one account, answer 429 until a few minutes have passed.",
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            api_token, key = auth.api_token_obtain(
                request=request._request,
                email=data["email"],
                password=data["password"],
                otp_code=data.get("otp_code", ""),
            )
        except auth.TooManyAttempts as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        except auth.TokenRefused as exc:
            body: dict = {"detail": str(exc)}
            if exc.otp_required:
                body["otp_code"] = [str(exc)]
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(TokenSerializer({"token": key, "expiry": api_token.expiry}).data)
