"""API shapes for exercises. Input serializers check only types and shapes:
the rules (field specs, answers, schedules) are the services', whose
ValidationError becomes a 400 naming the field (portal.api.exception_handler)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from accounts.languages import language_for
from accounts.serializers import CounselorSerializer
from exercises.models import (
    Assignment,
    Category,
    Comment,
    CompletionMode,
    ExerciseTemplate,
    Occurrence,
    Response,
    TemplateKind,
    Visibility,
)
from exercises.translations import localized_title

TRANSLATIONS_HELP = (
    "Its text in other languages, keyed by language code: {title, summary, instructions, "
    "fields: [{key, label, help_text, choices: {value: label}, min_label, max_label}]}. "
    "Answers are never translated."
)


def _reader_language(context: Mapping[str, Any]) -> str:
    """The requester's language (accounts.languages): titles are given in it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return language_for(user if getattr(user, "is_authenticated", False) else None)


I_STATEMENT_FIELDS = [
    {
        "key": "i_feel",
        "kind": "short_text",
        "label": "I feel…",
        "required": True,
        "max_length": 150,
        "blame_hints": True,
    },
    {
        "key": "closeness",
        "kind": "scale",
        "label": "How close did you feel?",
        "min_label": "Distant",
        "max_label": "Very close",
    },
]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A counselor's own template",
            request_only=True,
            value={
                "title": "Evening check-in",
                "summary": "Name one feeling from today.",
                "instructions": "Take **five minutes** together after dinner.",
                "estimated_minutes": 5,
                "category": "connection",
                "completion_mode": "each_partner",
                "visibility": "after_both",
                "kind": "once",
                "fields": I_STATEMENT_FIELDS,
            },
        )
    ]
)
class TemplateSerializer(serializers.ModelSerializer):
    owner = CounselorSerializer(read_only=True, allow_null=True, help_text="Null for a built-in exercise.")
    # The model's field is called "fields"; DRF's metaclass takes this declaration out of the class body.
    fields = serializers.JSONField(  # type: ignore[assignment]
        help_text="The questions: a list of {key, kind, label, help_text, required, ...limits}."
    )
    category = serializers.ChoiceField(choices=Category.choices, default=Category.OTHER)
    completion_mode = serializers.ChoiceField(choices=CompletionMode.choices, default=CompletionMode.EACH_PARTNER)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.AFTER_BOTH)
    kind = serializers.ChoiceField(choices=TemplateKind.choices, default=TemplateKind.ONCE)
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, required=False, help_text="The language its own text is written in (default en)."
    )
    translations = serializers.JSONField(required=False, help_text=TRANSLATIONS_HELP)

    class Meta:
        model = ExerciseTemplate
        fields = [
            "id",
            "title",
            "slug",
            "summary",
            "instructions",
            "estimated_minutes",
            "category",
            "fields",
            "completion_mode",
            "visibility",
            "kind",
            "language",
            "translations",
            "is_builtin",
            "is_archived",
            "owner",
            "copied_from",
        ]
        read_only_fields = ["id", "slug", "is_builtin", "owner", "copied_from"]
        extra_kwargs = {"estimated_minutes": {"default": 15}, "is_archived": {"required": False}}


class AssignmentSerializer(serializers.ModelSerializer):
    template_title = serializers.SerializerMethodField(help_text="The exercise's title in the requester's language.")
    language = serializers.CharField(read_only=True, help_text="The language of the fields' own text.")
    translations = serializers.JSONField(
        read_only=True, help_text="The fields' translations, copied with the fields when it was assigned."
    )
    schedule_text = serializers.CharField(read_only=True)
    # Plain text, not an enum: the schema already has a "status" enum (a
    # couple's), and two enums of one name make drf-spectacular warn.
    status = serializers.CharField(read_only=True, help_text="active, paused or ended.")

    class Meta:
        model = Assignment
        fields = [
            "id",
            "template",
            "template_title",
            "language",
            "translations",
            "couple",
            "note",
            "completion_mode",
            "visibility",
            "starts_on",
            "due_at",
            "rrule",
            "due_time",
            "schedule_text",
            "status",
            "ended_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_template_title(self, assignment: Assignment) -> str:
        return localized_title(assignment, _reader_language(self.context))


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Once",
            request_only=True,
            value={
                "template": 2,
                "couple": 7,
                "starts_on": "2026-03-02",
                "due_on": "2026-03-05",
                "due_time": "19:00",
                "note": "Before Thursday's session.",
            },
        ),
        OpenApiExample(
            "Weekly on Sundays, ten times",
            request_only=True,
            value={
                "template": 4,
                "couple": 7,
                "starts_on": "2026-03-01",
                "due_time": "19:00",
                "rrule": "FREQ=WEEKLY;BYDAY=SU;COUNT=10",
            },
        ),
    ]
)
class AssignmentCreateSerializer(serializers.Serializer):
    template = serializers.IntegerField(help_text="A built-in template's id, or one of your own.")
    couple = serializers.IntegerField(help_text="A couple on your caseload.")
    starts_on = serializers.DateField()
    due_time = serializers.TimeField(help_text="Local wall-clock time in the couple's time zone.")
    due_on = serializers.DateField(required=False, allow_null=True, help_text="For a one-off: the due date.")
    rrule = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="For a recurrence: an RFC 5545 RRULE."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class AssignmentNoteSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, max_length=2000)


class OccurrenceSerializer(serializers.ModelSerializer):
    template_title = serializers.SerializerMethodField(help_text="The exercise's title in the requester's language.")
    couple = serializers.IntegerField(source="assignment.couple_id", read_only=True)
    completed_at = serializers.SerializerMethodField(
        help_text="When every answer needed was in. For a partner, null where the other partner's answer "
        'is private ("counselor only", a high-conflict couple): it would tell that they answered.'
    )

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_completed_at(self, occurrence: Occurrence) -> str | None:
        # A partner's queryset carries completed_at_shown (the reveal rules applied).
        value = getattr(occurrence, "completed_at_shown", occurrence.completed_at)
        return None if value is None else serializers.DateTimeField().to_representation(value)

    class Meta:
        model = Occurrence
        fields = ["id", "assignment", "template_title", "couple", "sequence", "due_at", "completed_at"]
        read_only_fields = fields

    def get_template_title(self, occurrence: Occurrence) -> str:
        return localized_title(occurrence.assignment, _reader_language(self.context))


class ResponseSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = ["id", "occurrence", "author", "state", "answers", "version", "submitted_at", "reviewed_at"]
        read_only_fields = fields

    def get_author(self, response: Response) -> dict[str, Any] | None:
        """The partner who wrote it; null for a joint answer."""
        return {"id": response.author.pk, "full_name": response.author.full_name} if response.author else None


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Save a draft",
            request_only=True,
            value={"answers": {"i_feel": "lonely"}, "submit": False},
        ),
        OpenApiExample(
            "Submit",
            request_only=True,
            value={"answers": {"i_feel": "lonely", "closeness": 3}, "submit": True},
        ),
        OpenApiExample(
            "An answer that does not fit",
            response_only=True,
            status_codes=["400"],
            value={"closeness": ["Choose a number from 1 to 5."]},
        ),
    ]
)
class ResponseWriteSerializer(serializers.Serializer):
    answers = serializers.JSONField(help_text="An object keyed by field key.")
    submit = serializers.BooleanField(
        default=False, help_text="false: save as a draft (required answers may be missing); true: submit."
    )


class CommentSerializer(serializers.ModelSerializer):
    author = CounselorSerializer(read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "occurrence", "response", "author", "body", "created_at"]
        read_only_fields = fields


class CommentWriteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=4000, allow_blank=True)
    response = serializers.IntegerField(
        required=False, allow_null=True, help_text="Comment on one answer only (then only its readers see it)."
    )
