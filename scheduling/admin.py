from django.contrib import admin

from scheduling.models import Location


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "phone", "time_zone", "is_active"]
    list_filter = ["kind", "is_active", "city"]
    search_fields = ["name", "city", "address_line1", "phone"]
    prepopulated_fields = {"slug": ["name"]}
