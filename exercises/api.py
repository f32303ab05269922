"""The exercises API (/api/v1/...): thin views over exercises.selectors and
exercises.services, scoped as the pages are. Anything outside the caller's
scope is a 404; a service's ValidationError is a 400 naming the field."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Case, F, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from exercises import selectors, services
from exercises.models import Assignment, AssignmentStatus, Comment, ExerciseTemplate, Occurrence, Response
from exercises.serializers import (
    AssignmentCreateSerializer,
    AssignmentNoteSerializer,
    AssignmentSerializer,
    CommentSerializer,
    CommentWriteSerializer,
    OccurrenceSerializer,
    ResponseSerializer,
    ResponseWriteSerializer,
    TemplateSerializer,
)
from portal import policy
from portal.api import request_user
from portal.errors import require
from portal.filters import PortalFilterSet

# --- Templates ------------------------------------------------------------------------


class TemplateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The exercise library: built-ins and the counselor's own; a counselor
    creates and updates their own (built-ins are copied first, in the pages)."""

    serializer_class = TemplateSerializer
    filterset_fields = ["category", "is_builtin", "is_archived"]

    def get_queryset(self) -> QuerySet[ExerciseTemplate]:
        if getattr(self, "swagger_fake_view", False):
            return ExerciseTemplate.objects.none()  # the schema needs only the model
        return selectors.templates_visible_to(request_user(self.request)).order_by("title", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        user = request_user(request)
        require(policy.uses_template_library(user), gettext("Only counselors write exercise templates."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("is_archived", None)  # a new template is offered at once
        template = services.template_create(owner=user, **data)
        return ApiResponse(self.get_serializer(template).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        template = self.get_object()
        serializer = self.get_serializer(template, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        template = services.template_update(template=template, actor=request_user(request), **serializer.validated_data)
        return ApiResponse(self.get_serializer(template).data)


# --- Assignments ----------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(request=AssignmentCreateSerializer, responses={201: AssignmentSerializer}),
    partial_update=extend_schema(request=AssignmentNoteSerializer, responses=AssignmentSerializer),
)
class AssignmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """A counselor's assignments across their caseload (a client: their couple's).
    Counselors create them, edit the note (PATCH), and pause, resume or end them."""

    serializer_class = AssignmentSerializer
    filterset_fields = ["couple", "status"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Assignment]:
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()  # the schema needs only the model
        return selectors.assignments_visible_to(request_user(self.request)).order_by("-created_at", "-pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        user = request_user(request)
        require(policy.can_assign_exercises(user), gettext("Only counselors assign exercises."))
        serializer = AssignmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        # A couple or template out of scope reads like one that does not exist.
        couple = policy.couples_visible_to(user).filter(pk=data.pop("couple")).first()
        if couple is None:
            raise ValidationError({"couple": [gettext("No such couple on your caseload.")]})
        template = selectors.templates_visible_to(user).filter(pk=data.pop("template")).first()
        if template is None:
            raise ValidationError({"template": [gettext("Choose a built-in exercise or one of your own.")]})
        assignment = services.assignment_create(counselor=user, couple=couple, template=template, **data)
        return ApiResponse(self.get_serializer(assignment).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        assignment = self.get_object()
        # A partner sees the assignment but does not change it: 403 whatever the body.
        require(
            policy.can_manage_assignments(request_user(request), assignment.couple),
            gettext("Only the couple's counselors change an assignment."),
        )
        serializer = AssignmentNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = services.assignment_update_note(
            assignment=assignment, counselor=request_user(request), note=serializer.validated_data["note"]
        )
        return ApiResponse(self.get_serializer(self.get_queryset().get(pk=assignment.pk)).data)

    def _change(self, change: Any) -> ApiResponse:
        assignment = self.get_object()
        change(assignment=assignment, counselor=request_user(self.request))
        return ApiResponse(self.get_serializer(self.get_queryset().get(pk=assignment.pk)).data)

    @extend_schema(request=None, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, pk: str) -> ApiResponse:
        return self._change(services.assignment_pause)

    @extend_schema(request=None, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str) -> ApiResponse:
        return self._change(services.assignment_resume)

    @extend_schema(request=None, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> ApiResponse:
        return self._change(services.assignment_end)


# --- Occurrences ----------------------------------------------------------------------


@extend_schema_field(
    {"type": "string", "description": "An ISO 8601 date-time with its offset, or a date (its midnight, UTC)."}
)
class MomentFilter(django_filters.IsoDateTimeFilter):
    """A moment in a query: what Django reads, a date-time or a bare date."""


class OccurrenceFilter(PortalFilterSet):
    state = django_filters.ChoiceFilter(
        choices=[("open", "Open"), ("overdue", "Overdue"), ("completed", "Completed")],
        method="filter_state",
        help_text="open: not completed and the assignment active; overdue: open and past due; "
        "completed: every answer needed is submitted.",
    )
    mine = django_filters.ChoiceFilter(
        choices=[("not_started", "Not started"), ("draft", "Draft"), ("submitted", "Submitted")],
        method="filter_mine",
        help_text="Clients only: the caller's own answer (or the couple's joint one) is not started, "
        "a draft, or submitted. Ignored for counselors.",
    )
    due_after = MomentFilter(field_name="due_at", lookup_expr="gte")
    due_before = MomentFilter(field_name="due_at", lookup_expr="lt")

    class Meta:
        model = Occurrence
        fields = ["assignment", "state", "mine", "due_after", "due_before"]

    def filter_state(self, queryset: QuerySet[Occurrence], name: str, value: str) -> QuerySet[Occurrence]:
        done = Q(completed_at__isnull=False)
        if "has_submitted" in queryset.query.annotations:
            # A partner: where the reveal rules keep the other's answer
            # private, done means their own answer is in, whatever the other's.
            shared = policy.partners_share_answers_q()
            done = (shared & done) | (~shared & Q(has_submitted=True))
        if value == "completed":
            return queryset.filter(done)
        open_ = queryset.exclude(done).filter(assignment__status=AssignmentStatus.ACTIVE)
        return open_.filter(due_at__lt=timezone.now()) if value == "overdue" else open_

    def filter_mine(self, queryset: QuerySet[Occurrence], name: str, value: str) -> QuerySet[Occurrence]:
        # The view lists a client's occurrences through occurrences_for_partner,
        # which annotates has_submitted and has_draft for that partner.
        if "has_submitted" not in queryset.query.annotations:
            return queryset  # a counselor has no answers of their own
        if value == "submitted":
            return queryset.filter(Q(has_submitted=True))
        if value == "draft":
            return queryset.filter(Q(has_submitted=False), Q(has_draft=True))
        return queryset.filter(Q(has_submitted=False), Q(has_draft=False))


class OccurrenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Occurrences of the caller's couple (client) or caseload (counselor)."""

    serializer_class = OccurrenceSerializer
    filterset_class = OccurrenceFilter

    def get_queryset(self) -> QuerySet[Occurrence]:
        if getattr(self, "swagger_fake_view", False):
            return Occurrence.objects.none()  # the schema needs only the model
        user = request_user(self.request)
        if policy.can_answer_exercises(user):
            # completed_at tells that the other partner submitted too: shown
            # only where the reveal rules let a partner know of their answer.
            shown = Case(When(policy.partners_share_answers_q(), then=F("completed_at")), default=None)
            return selectors.occurrences_for_partner(user).annotate(completed_at_shown=shown).order_by("due_at", "pk")
        return selectors.occurrences_visible_to(user).order_by("due_at", "pk")


def _occurrence_for(request: Request, occurrence_pk: Any) -> Occurrence:
    try:
        return selectors.occurrences_visible_to(request_user(request)).get(pk=int(occurrence_pk))
    except (Occurrence.DoesNotExist, TypeError, ValueError):
        raise NotFound(gettext("No such occurrence.")) from None


# --- Responses and comments, under an occurrence -----------------------------------------


class ResponseViewSet(viewsets.GenericViewSet):
    """Answers to one occurrence, as the reveal rules allow. A partner writes
    theirs (or the couple's joint one) with POST: a draft, or submitted; a
    counselor reads submitted answers and marks them reviewed. Every read of
    someone else's answer is recorded in the audit log."""

    serializer_class = ResponseSerializer
    pagination_class = None  # at most two per occurrence

    def get_queryset(self) -> QuerySet[Response]:
        if getattr(self, "swagger_fake_view", False):
            return Response.objects.none()
        occurrence = _occurrence_for(self.request, self.kwargs["occurrence_pk"])
        return selectors.occurrence_responses(request_user(self.request), occurrence)

    def list(self, request: Request, occurrence_pk: str) -> ApiResponse:
        responses = list(self.get_queryset())
        services.responses_record_access(viewer=request_user(request), responses=responses)
        return ApiResponse(ResponseSerializer(responses, many=True).data)

    def retrieve(self, request: Request, occurrence_pk: str, pk: str) -> ApiResponse:
        response = self.get_object()
        services.responses_record_access(viewer=request_user(request), responses=[response])
        return ApiResponse(ResponseSerializer(response).data)

    @extend_schema(
        request=ResponseWriteSerializer,
        responses={200: ResponseSerializer, 400: OpenApiResponse(description="Answers that do not fit, by field.")},
    )
    def create(self, request: Request, occurrence_pk: str) -> ApiResponse:
        user = request_user(request)
        occurrence = _occurrence_for(request, occurrence_pk)
        # Visible to a counselor, but not theirs to answer: 403 before the body is even read.
        require(
            policy.can_answer_exercises(user),
            gettext("Only the partners answer their exercises; you can read, review and comment on them."),
        )
        serializer = ResponseWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answers = serializer.validated_data["answers"]
        save = services.response_submit if serializer.validated_data["submit"] else services.response_save_draft
        response = save(occurrence=occurrence, user=user, answers=answers)
        return ApiResponse(ResponseSerializer(response).data)

    @extend_schema(request=None, responses=ResponseSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, occurrence_pk: str, pk: str) -> ApiResponse:
        user = request_user(request)
        response = self.get_object()
        if not policy.can_assign_exercises(user):
            raise NotFound()  # a partner sees their own answer but has no review to give
        response = services.response_mark_reviewed(response=response, counselor=user)
        services.responses_record_access(viewer=user, responses=[response])  # the answer goes back in the body
        return ApiResponse(ResponseSerializer(response).data)


class CommentViewSet(viewsets.GenericViewSet):
    """A counselor's comments on an occurrence (the couple sees them), or on
    one answer (only that answer's readers see it)."""

    serializer_class = CommentSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Comment]:
        if getattr(self, "swagger_fake_view", False):
            return Comment.objects.none()
        occurrence = _occurrence_for(self.request, self.kwargs["occurrence_pk"])
        return selectors.comments_visible_to(request_user(self.request)).filter(occurrence=occurrence)

    def list(self, request: Request, occurrence_pk: str) -> ApiResponse:
        return ApiResponse(CommentSerializer(self.get_queryset(), many=True).data)

    @extend_schema(request=CommentWriteSerializer, responses={201: CommentSerializer})
    def create(self, request: Request, occurrence_pk: str) -> ApiResponse:
        user = request_user(request)
        occurrence = _occurrence_for(request, occurrence_pk)
        require(policy.can_assign_exercises(user), gettext("Only the couple's counselors comment."))
        serializer = CommentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        response = None
        if serializer.validated_data.get("response"):
            answers = selectors.occurrence_responses(user, occurrence)
            response = answers.filter(pk=serializer.validated_data["response"]).first()
            if response is None:
                raise ValidationError({"response": [gettext("No such submitted answer to this occurrence.")]})
        comment = services.comment_add(
            counselor=user,
            body=serializer.validated_data["body"],
            occurrence=None if response else occurrence,
            response=response,
        )
        return ApiResponse(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
