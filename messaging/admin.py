"""The Django admin shows messaging's one practice setting, never a message:
practice admins do not read conversations (portal/policy/messaging.py)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from messaging.models import MessagingSettings


@admin.register(MessagingSettings)
class MessagingSettingsAdmin(admin.ModelAdmin):
    """Whether clients may start conversations (one row)."""

    list_display = ["__str__", "clients_may_start_threads"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not MessagingSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
