from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent, Couple, Invitation, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["full_name"]
    list_display = ["email", "full_name", "role", "time_zone", "is_active", "is_staff", "last_login"]
    list_filter = ["role", "is_active", "is_staff", "time_zone"]
    search_fields = ["email", "full_name", "phone"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("full_name", "role", "time_zone", "phone")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "role", "password1", "password2")}),
    )

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False  # users are deactivated (is_active), never deleted: their audit rows name them


class InvitationInline(admin.TabularInline):
    model = Invitation
    fk_name = "couple"
    extra = 0
    fields = ("user", "invited_by", "created_at", "last_sent_at", "send_count", "accepted_at")
    readonly_fields = fields


@admin.register(Couple)
class CoupleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "primary_counselor", "status", "started_on", "time_zone"]
    list_filter = ["status", "primary_counselor"]
    search_fields = ["partner_one__full_name", "partner_two__full_name", "partner_one__email", "partner_two__email"]
    list_select_related = ["partner_one", "partner_two", "primary_counselor"]
    raw_id_fields = ["partner_one", "partner_two"]
    filter_horizontal = ["other_counselors"]
    inlines = [InvitationInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "couple", "invited_by", "created_at", "send_count", "accepted_at"]
    list_filter = ["accepted_at", "created_at"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "invited_by", "couple__partner_one", "couple__partner_two"]
    exclude = ["key"]
    raw_id_fields = ["couple", "user", "invited_by"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_id", "actor__email"]
    list_select_related = ["actor"]
    readonly_fields = ["created_at", "actor", "action", "target_type", "target_id", "details", "sequence", "row_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False  # audit rows are never deleted (accounts.audit_chain)
