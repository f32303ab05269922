"""Django admin for exercises (superusers only).

Answer content and comments are clinical: the admin shows responses'
metadata but never their answers, so the Django admin is no back door
around the reveal rules.
"""

from django.contrib import admin

from exercises.models import Assignment, CoupleExerciseSettings, ExerciseTemplate, Occurrence, Response


@admin.register(ExerciseTemplate)
class ExerciseTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "kind", "completion_mode", "visibility", "owner", "is_builtin", "is_archived"]
    list_filter = ["is_builtin", "is_archived", "category", "kind", "completion_mode", "visibility"]
    search_fields = ["title", "slug", "summary"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner", "copied_from"]
    readonly_fields = ["created_at", "updated_at"]


class OccurrenceInline(admin.TabularInline):
    model = Occurrence
    extra = 0
    fields = readonly_fields = ("sequence", "due_at", "completed_at")
    can_delete = False
    ordering = ["-due_at"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Read-only: changes go through exercises.services (audit, occurrences)."""

    list_display = ["template", "couple", "assigned_by", "status", "starts_on", "due_at", "rrule", "due_time"]
    list_filter = ["status"]
    list_select_related = ["template", "couple__partner_one", "couple__partner_two", "assigned_by"]
    fields = readonly_fields = (
        "template",
        "couple",
        "assigned_by",
        "status",
        "starts_on",
        "due_at",
        "rrule",
        "due_time",
        "ended_at",
    )
    inlines = [OccurrenceInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["id", "occurrence", "author", "state", "version", "submitted_at", "reviewed_at"]
    list_filter = ["state"]
    list_select_related = ["occurrence__assignment__template", "author"]
    fields = readonly_fields = (
        "occurrence",
        "author",
        "state",
        "version",
        "submitted_at",
        "reviewed_at",
        "reviewed_by",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CoupleExerciseSettings)
class CoupleExerciseSettingsAdmin(admin.ModelAdmin):
    list_display = ["couple", "high_conflict", "updated_by", "updated_at"]
    list_filter = ["high_conflict"]
    raw_id_fields = ["couple", "updated_by"]
