from django.urls import URLPattern, URLResolver, path

from scheduling import views

urlpatterns: list[URLPattern | URLResolver] = [
    # Public: no login.
    path("offices/", views.office_list, name="office_list"),
    path("offices/<slug:slug>/", views.office_detail, name="office_detail"),
    path("counselors/", views.counselor_directory, name="counselor_directory"),
    path("counselors/<slug:slug>/", views.counselor_profile, name="counselor_profile"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("calendar/feed/<str:token>/locations/<slug:slug>.ics", views.location_feed, name="location_feed"),
    # Staff.
    path("locations/", views.location_list, name="location_list"),
    path("locations/new/", views.location_edit, name="location_create"),
    path("locations/<int:location_id>/edit/", views.location_edit, name="location_edit"),
    path("locations/<int:location_id>/toggle/", views.location_toggle, name="location_toggle"),
    path("schedules/", views.counselor_schedule_list, name="counselor_schedule_list"),
    path("schedules/<int:counselor_id>/", views.counselor_schedule, name="counselor_schedule"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("calendar/feed/", views.feed_settings, name="feed_settings"),
    path("appointments/", views.appointment_list, name="appointment_list"),
    path("appointments/book/", views.appointment_book, name="appointment_book"),
    path("appointments/series/", views.appointment_series, name="appointment_series"),
    path("appointments/request/", views.appointment_request, name="appointment_request"),
    path("appointments/<int:appointment_id>/", views.appointment_detail, name="appointment_detail"),
    path("appointments/<int:appointment_id>/calendar.ics", views.appointment_ics, name="appointment_ics"),
    path("appointments/<int:appointment_id>/<str:action>/", views.appointment_action, name="appointment_action"),
    path("intake-requests/", views.intake_list, name="intake_list"),
    path("intake-requests/<int:intake_id>/", views.intake_detail, name="intake_detail"),
    path("intake-requests/<int:intake_id>/couple/", views.intake_invite_couple, name="intake_invite_couple"),
]
