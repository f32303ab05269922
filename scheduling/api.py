"""The scheduling API: thin views over scheduling.services and scheduling.selectors.

A conflict (the time is taken) is 409 with a message naming who is booked
then; a series conflict adds the dates. Bad input is 400 naming the field.
Services' errors are mapped once, in portal.api.exception_handler.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.serializers import CoupleSerializer, InviteCoupleSerializer
from accounts.services import PartnerDetails
from portal import policy
from portal.api import request_user
from portal.filters import parse_boolean
from portal.schema import error_response
from scheduling import selectors, services, slots
from scheduling.models import Appointment, CounselorProfile, IntakeRequest, Location, Specialty
from scheduling.serializers import (
    AppointmentCreateSerializer,
    AppointmentSerializer,
    ConflictSerializer,
    CounselorProfileSerializer,
    IntakeRequestSerializer,
    LocationSerializer,
    ReasonSerializer,
    RescheduleSerializer,
    SeriesCreateSerializer,
    SeriesResultSerializer,
    SlotQuerySerializer,
    SlotSerializer,
    StaffAppointmentSerializer,
    appointment_serializer_for,
)
from scheduling.views.public import intake_rate_limited, intake_rate_refund


class LocationViewSet(viewsets.ReadOnlyModelViewSet):
    """Offices with opening hours (wall-clock, in each location's time zone). Admins also see inactive ones."""

    serializer_class = LocationSerializer
    lookup_field = "slug"
    filterset_fields = ["kind"]

    def get_queryset(self) -> QuerySet[Location]:
        if getattr(self, "swagger_fake_view", False):  # the schema, built for no one
            return Location.objects.none()
        return selectors.locations_visible_to(request_user(self.request))


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("location", str, description="A location's slug."),
            OpenApiParameter("specialty", str, description="A specialty's slug."),
            OpenApiParameter("online", bool),
        ]
    )
)
class CounselorViewSet(viewsets.ReadOnlyModelViewSet):
    """The directory: active counselors not on leave."""

    serializer_class = CounselorProfileSerializer
    lookup_field = "slug"
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[CounselorProfile]:
        params = self.request.query_params
        filters: dict[str, Any] = {}
        if params.get("location"):
            filters["location"] = Location.objects.filter(slug=params["location"]).first()
            if filters["location"] is None:
                return CounselorProfile.objects.none()
        if params.get("specialty"):
            filters["specialty"] = Specialty.objects.filter(slug=params["specialty"]).first()
            if filters["specialty"] is None:
                return CounselorProfile.objects.none()
        online = parse_boolean(params.get("online"), field="online")
        if online is not None:
            filters["online"] = online
        return selectors.counselors_directory(**filters)


class AppointmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Appointments in the caller's scope: admins all, counselors their own, clients their couple's.

    Staff create confirmed bookings; a client's create is a request for a free slot of their counselor.
    """

    filterset_fields = ["status", "counselor", "location", "kind"]

    def get_queryset(self) -> QuerySet[Appointment]:
        if getattr(self, "swagger_fake_view", False):  # the schema, built for no one
            return Appointment.objects.none()
        return selectors.appointments_visible_to(request_user(self.request))

    def get_serializer_class(self) -> type[AppointmentSerializer]:
        if getattr(self, "swagger_fake_view", False):
            return StaffAppointmentSerializer
        return appointment_serializer_for(request_user(self.request))

    def get_object(self) -> Appointment:
        return selectors.appointment_for(request_user(self.request), self.kwargs["pk"])

    def _answer(self, appointment: Appointment, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.appointment_for(request_user(self.request), appointment.pk)
        return Response(self.get_serializer_class()(fresh).data, status=code)

    @extend_schema(
        request=AppointmentCreateSerializer,
        responses={201: StaffAppointmentSerializer, 409: ConflictSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = AppointmentCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request_user(request)
        if policy.may_request_appointments(user):
            appointment = services.appointment_request(
                actor=user,
                counselor=data["counselor"],
                location=data["location"],
                start=data["start"],
                duration_minutes=data.get("duration_minutes"),
                note=data["note"],
            )
        else:
            appointment = services.appointment_book(
                actor=user,
                counselor=data["counselor"],
                location=data["location"],
                start=data["start"],
                duration_minutes=data.get("duration_minutes"),
                kind=data["kind"],
                couple=data.get("couple"),
                individual_client=data.get("individual_client"),
                intake_names=data["intake_names"],
                intake_email=data["intake_email"],
                telehealth_url=data["telehealth_url"],
                staff_note=data["staff_note"],
                override_hours_reason=data["override_hours_reason"],
            )
        return self._answer(appointment, status.HTTP_201_CREATED)

    @extend_schema(request=SeriesCreateSerializer, responses={201: SeriesResultSerializer, 409: ConflictSerializer})
    @action(detail=False, methods=["post"])
    def series(self, request: Request) -> Response:
        """Weekly or every-other-week sessions; any taken date is listed (409) and nothing is saved."""
        serializer = SeriesCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        series = services.appointment_book_series(
            actor=request_user(request),
            counselor=data["counselor"],
            location=data["location"],
            first_start=data["first_start"],
            interval_weeks=int(data["interval_weeks"]),
            count=data.get("count"),
            until=data.get("until"),
            duration_minutes=data.get("duration_minutes"),
            couple=data["couple"],
        )
        appointments = self.get_queryset().filter(series=series)
        body = {"series": series.pk, "appointments": StaffAppointmentSerializer(appointments, many=True).data}
        return Response(body, status=status.HTTP_201_CREATED)

    def _change(self, change: Callable[[], Appointment]) -> Response:
        # The appointment is in the caller's scope but not theirs to change:
        # 404, as for one outside it, rather than the usual 403.
        try:
            appointment = change()
        except DjangoPermissionDenied:
            raise NotFound() from None
        return self._answer(appointment)

    @extend_schema(request=RescheduleSerializer, responses={200: StaffAppointmentSerializer, 409: ConflictSerializer})
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, pk: str) -> Response:
        appointment = self.get_object()
        serializer = RescheduleSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actor = request_user(request)
        return self._change(
            lambda: services.appointment_reschedule(
                actor=actor,
                appointment=appointment,
                start=data["start"],
                end=data.get("end"),
                location=data.get("location"),
                reason=data["reason"],
                override_hours_reason=data["override_hours_reason"],
            )
        )

    @extend_schema(request=ReasonSerializer, responses=StaffAppointmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        appointment = self.get_object()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data["reason"]
        return self._change(
            lambda: services.appointment_cancel(actor=request_user(request), appointment=appointment, reason=reason)
        )

    @extend_schema(request=None, responses={200: StaffAppointmentSerializer, 409: error_response("409")})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        """Confirm a requested appointment. 409 while it is held (a couple's
        first session waiting for their intake paperwork)."""
        appointment = self.get_object()
        return self._change(lambda: services.appointment_confirm(actor=request_user(request), appointment=appointment))

    @extend_schema(request=ReasonSerializer, responses=StaffAppointmentSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        appointment = self.get_object()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data["reason"]
        return self._change(
            lambda: services.appointment_decline(actor=request_user(request), appointment=appointment, reason=reason)
        )


class SlotsView(APIView):
    """Free start times for a counselor (all their locations) or every counselor at a location.

    Times are in the location's time zone; the practice's buffer and slot step apply.
    """

    @extend_schema(parameters=[SlotQuerySerializer], responses=SlotSerializer(many=True))
    def get(self, request: Request) -> Response:
        query = SlotQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        minutes = data.get("duration_minutes")
        found = slots.free_slots(
            counselor=data.get("counselor"),
            location=data.get("location"),
            date_from=data["date_from"],
            date_to=data["date_to"],
            duration=timedelta(minutes=minutes) if minutes else None,
        )
        return Response(SlotSerializer(found, many=True).data)


class IntakeRequestViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """New clients' requests: anyone may create one (rate limited); practice admins read them."""

    serializer_class = IntakeRequestSerializer
    filterset_fields = ["status"]

    def get_permissions(self) -> list:
        if self.action == "create":
            return [AllowAny()]
        return list(super().get_permissions())

    def get_queryset(self) -> QuerySet[IntakeRequest]:
        if getattr(self, "swagger_fake_view", False):  # the schema, built for no one
            return IntakeRequest.objects.none()
        if not policy.is_practice_admin(request_user(self.request)):
            return IntakeRequest.objects.none()
        return IntakeRequest.objects.order_by("-created_at", "pk")

    @extend_schema(
        request=IntakeRequestSerializer, responses={201: IntakeRequestSerializer, 429: error_response("429")}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Create a request. `website` is a honeypot: people leave it empty; a bot that fills it is checked
        like anyone and then told the request was received, and nothing is saved (as on the profile page's form)."""
        if intake_rate_limited(request._request):
            return Response(
                {"detail": gettext("Too many requests; please call us.")}, status=status.HTTP_429_TOO_MANY_REQUESTS
            )
        serializer = IntakeRequestSerializer(data=request.data)
        if not serializer.is_valid():
            intake_rate_refund(request._request)  # a mistake does not count toward the limit
            raise ValidationError(serializer.errors)
        fields = {name: value for name, value in serializer.validated_data.items() if name != "website"}
        if serializer.validated_data.get("website", "").strip():
            return Response(_pretend_received(fields), status=status.HTTP_201_CREATED)
        try:
            intake = services.intake_request_create(**fields)
        except DjangoValidationError:
            intake_rate_refund(request._request)
            raise
        return Response(IntakeRequestSerializer(intake).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=InviteCoupleSerializer, responses={201: CoupleSerializer})
    @action(detail=True, methods=["post"], url_path="invite-couple")
    def invite_couple(self, request: Request, pk: str) -> Response:
        """After the intake: make the couple (the second partner's name and e-mail are asked for) and
        e-mail each partner an invitation; the request and its intake appointment are linked to the couple.
        Practice admins only; a missing or refused detail is 400 naming the field."""
        intake = self.get_object()
        serializer = InviteCoupleSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            couple = services.intake_request_invite_couple(
                actor=request_user(request),
                intake=intake,
                partner_one=PartnerDetails(data["partner_one_name"], data["partner_one_email"]),
                partner_two=PartnerDetails(data["partner_two_name"], data["partner_two_email"]),
                primary_counselor=data.get("primary_counselor"),
                time_zone=data.get("time_zone"),
            )
        except DjangoPermissionDenied:
            raise NotFound() from None
        couple = policy.couple_for(request_user(request), couple.pk)
        return Response(CoupleSerializer(couple).data, status=status.HTTP_201_CREATED)


def _pretend_received(fields: dict[str, Any]) -> dict[str, Any]:
    """What a saved request would answer, for a bot caught by the honeypot:
    the same shape, an id like the next one, and nothing stored."""
    unsaved = IntakeRequest(**fields, pk=selectors.intake_request_next_id(), created_at=timezone.now())
    return dict(IntakeRequestSerializer(unsaved).data)
