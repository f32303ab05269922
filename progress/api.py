"""The progress API (/api/v1/...): measures, a couple's progress (the same
figures as its page) and the counselor's dashboard. Out-of-scope ids are 404;
a rule broken is a 400 naming the field."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from exercises.serializers import AssignmentSerializer
from portal import policy
from portal.api import request_user
from portal.errors import require
from portal.filters import parse_boolean
from progress import selectors, services
from progress.figures import progress_figures
from progress.models import Measure
from progress.serializers import (
    CoupleProgressSerializer,
    DashboardRowSerializer,
    MeasureAssignSerializer,
    MeasureSerializer,
    MeasureWriteSerializer,
    dashboard_data,
)


class MeasureViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Measures a counselor can assign: built-ins and their own. A counselor
    writes their own (not edited afterwards, so scores keep their meaning) and
    assigns one to a couple on a recurrence, as an exercise."""

    serializer_class = MeasureSerializer

    def get_queryset(self) -> QuerySet[Measure]:
        if getattr(self, "swagger_fake_view", False):  # the schema, built for no one
            return Measure.objects.none()
        return selectors.measures_visible_to(request_user(self.request))

    @extend_schema(
        request=MeasureWriteSerializer,
        responses={201: MeasureSerializer, 400: OpenApiResponse(description="What is wrong, by field.")},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        user = request_user(request)
        require(policy.can_write_measures(user), gettext("Only counselors write measures."))
        serializer = MeasureWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        measure = services.measure_create(
            owner=user,
            title=data["title"],
            summary=data["summary"],
            items=data["items"],
            scoring_method=data["scoring"],
            bands=data["bands"],
            visibility=data["visibility"],
        )
        return ApiResponse(MeasureSerializer(measure).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MeasureAssignSerializer, responses={201: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> ApiResponse:
        measure = self.get_object()
        user = request_user(request)
        serializer = MeasureAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        couple = policy.couples_visible_to(user).filter(pk=data.pop("couple")).first()
        if couple is None:
            raise ValidationError({"couple": [gettext("No such couple on your caseload.")]})
        assignment = services.measure_assign(counselor=user, couple=couple, measure=measure, **data)
        return ApiResponse(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class CoupleProgressView(APIView):
    """A couple's progress, with the same figures as its page: each partner's
    scores per measure, completion per week (null where nothing was due),
    ritual streaks and a timeline. For the couple's counselors, and for the
    partners as far as the reveal rules let them see."""

    @extend_schema(responses=CoupleProgressSerializer)
    def get(self, request: Request, couple_id: int) -> ApiResponse:
        user = request_user(request)
        couple = selectors.progress_couple_for(user, couple_id)
        progress = selectors.couple_progress(couple, user, now=timezone.now())
        services.progress_record_access(viewer=user, couple=couple, progress=progress)
        return ApiResponse(CoupleProgressSerializer(progress_figures(progress)).data)


class DashboardView(APIView):
    """The counselor's caseload, one row per couple, those needing attention first."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=[value for value, _ in selectors.STATUS_FILTERS], default="open"
            ),
            OpenApiParameter("q", OpenApiTypes.STR, description="Part of a partner's name."),
            OpenApiParameter("attention", OpenApiTypes.BOOL, description="Only couples needing attention."),
        ],
        responses=DashboardRowSerializer(many=True),
    )
    def get(self, request: Request) -> ApiResponse:
        user = request_user(request)
        if not policy.has_caseload(user):
            raise NotFound()  # no caseload, no dashboard: as for a page that is not there
        status_filter = request.query_params.get("status", "open")
        if status_filter not in dict(selectors.STATUS_FILTERS):
            choices = ", ".join(dict(selectors.STATUS_FILTERS))
            raise ValidationError({"status": [gettext("Choose one of: %(choices)s.") % {"choices": choices}]})
        rows = selectors.dashboard(
            user,
            now=timezone.now(),
            status=status_filter,
            query=request.query_params.get("q", ""),
            attention_only=bool(parse_boolean(request.query_params.get("attention"), field="attention")),
        )
        services.dashboard_record_access(viewer=user, rows=rows)
        return ApiResponse(dashboard_data(rows))
