from django.contrib import admin

from scheduling.models import (
    Appointment,
    AppointmentChange,
    CounselorProfile,
    IntakeRequest,
    Location,
    OpeningHours,
    PracticeSettings,
    Specialty,
    TimeOff,
    WorkingHours,
)


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "phone", "time_zone", "is_active"]
    list_filter = ["kind", "is_active", "city"]
    search_fields = ["name", "city", "address_line1", "phone"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline]


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(CounselorProfile)
class CounselorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "credentials", "sees_online", "is_accepting_new_clients", "on_leave"]
    list_filter = ["on_leave", "sees_online", "locations", "specialties"]
    search_fields = ["user__full_name", "user__email"]
    filter_horizontal = ["specialties", "locations"]
    list_select_related = ["user"]


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ["counselor", "location", "weekday", "start", "end"]
    list_filter = ["location", "weekday"]
    search_fields = ["counselor__full_name"]
    list_select_related = ["counselor", "location"]


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["counselor", "starts_on", "ends_on"]
    search_fields = ["counselor__full_name"]
    list_select_related = ["counselor"]


class AppointmentChangeInline(admin.TabularInline):
    model = AppointmentChange
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in AppointmentChange._meta.fields]

    def has_add_permission(self, request, obj=None):  # history is written by the services only
        return False


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    # Read-mostly: booking, moving and cancelling go through scheduling.services
    # so that locks, overlap checks and history apply.
    list_display = ["start", "counselor", "client_label", "location", "kind", "status", "late_cancellation"]
    list_filter = ["location", "counselor", "status", "kind", ("start", admin.DateFieldListFilter)]
    search_fields = [
        "couple__partner_one__full_name",
        "couple__partner_two__full_name",
        "intake_names",
        "counselor__full_name",
    ]
    date_hierarchy = "start"
    list_select_related = ["counselor", "location", "couple__partner_one", "couple__partner_two", "individual_client"]
    readonly_fields = [
        "start",
        "end",
        "status",
        "counselor",
        "couple",
        "individual_client",
        "location",
        "series",
        "cancelled_by",
        "cancelled_at",
        "hours_override_by",
        "sequence",
        "created_by",
    ]
    inlines = [AppointmentChangeInline]

    def has_add_permission(self, request):
        return False


@admin.register(IntakeRequest)
class IntakeRequestAdmin(admin.ModelAdmin):
    list_display = ["created_at", "names", "email", "counselor", "preferred_location", "status", "couple"]
    list_filter = ["status", "preferred_location", "prefers_online"]
    search_fields = ["names", "email", "phone"]
    list_select_related = ["counselor", "preferred_location", "couple__partner_one", "couple__partner_two"]
    raw_id_fields = ["couple"]


@admin.register(PracticeSettings)
class PracticeSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not PracticeSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
