"""Django admin for reminders, preferences and in-app notifications.

Reminders are changed only through services (resend), so their admin is
read-only apart from that action; nothing here shows clinical content.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications import services
from notifications.models import InAppNotification, NotificationPreference, Reminder, ReminderSettings, ReminderState
from portal.http import AuthenticatedHttpRequest


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "recipient", "object_key", "state", "due_at", "attempts", "sent_at", "emailed"]
    list_filter = ["state", "kind", "emailed"]
    search_fields = ["recipient__email", "recipient__full_name", "object_key", "last_error"]
    list_select_related = ["recipient"]
    date_hierarchy = "due_at"
    ordering = ["-due_at"]
    actions = ["resend"]
    fields = readonly_fields = (
        "kind",
        "recipient",
        "object_key",
        "occurrence",
        "appointment",
        "due_at",
        "expires_at",
        "state",
        "attempts",
        "last_error",
        "lease_owner",
        "lease_expires_at",
        "emailed",
        "sent_at",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Resend the selected failed reminders"))
    def resend(self, request: AuthenticatedHttpRequest, queryset: QuerySet[Reminder]) -> None:
        actor = request.user
        resent = sum(
            services.reminder_resend(reminder=reminder, actor=actor)
            for reminder in queryset.filter(state=ReminderState.FAILED)
        )
        text = ngettext(
            "%(count)d reminder will be sent again within a minute.",
            "%(count)d reminders will be sent again within a minute.",
            resent,
        )
        self.message_user(request, text % {"count": resent}, messages.SUCCESS)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "partner_finished",
        "email_exercise_due_soon",
        "email_exercise_overdue",
        "email_partner_finished",
        "email_weekly_digest",
        "quiet_start",
        "quiet_end",
    ]
    list_filter = ["partner_finished", "email_exercise_due_soon", "email_exercise_overdue", "email_partner_finished"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(InAppNotification)
class InAppNotificationAdmin(admin.ModelAdmin):
    list_display = ["pk", "user", "kind", "text", "created_at", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__full_name", "text"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "reminder"]
    readonly_fields = ["created_at"]
    ordering = ["-created_at"]


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    """The practice's appointment-reminder lead times, change-notice and message e-mail delays (one row)."""

    list_display = [
        "__str__",
        "appointment_first_lead_hours",
        "appointment_second_lead_hours",
        "intake_paperwork_lead_hours",
        "change_notice_delay_minutes",
        "message_email_delay_minutes",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ReminderSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
