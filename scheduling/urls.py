from django.urls import URLPattern, URLResolver, path

from scheduling.views import appointments, booking, calendar, feeds, intake, locations, public, schedules, staff

urlpatterns: list[URLPattern | URLResolver] = [
    # Public: no login.
    path("offices/", public.office_list, name="office_list"),
    path("offices/<slug:slug>/", public.office_detail, name="office_detail"),
    path("counselors/", public.counselor_directory, name="counselor_directory"),
    path("counselors/<slug:slug>/", public.counselor_profile, name="counselor_profile"),
    path("counselors/<slug:slug>/photo.jpg", public.counselor_photo, name="counselor_photo"),
    path("request-an-appointment/", public.request_appointment, name="request_appointment"),
    path("request-an-appointment/sent/", public.request_appointment_sent, name="request_appointment_sent"),
    path("calendar/feed/<str:token>.ics", feeds.calendar_feed, name="calendar_feed"),
    path("calendar/feed/<str:token>/locations/<slug:slug>.ics", feeds.location_feed, name="location_feed"),
    # Staff.
    path("locations/", locations.location_list, name="location_list"),
    path("locations/new/", locations.location_edit, name="location_create"),
    path("locations/<int:location_id>/edit/", locations.location_edit, name="location_edit"),
    path("locations/<int:location_id>/toggle/", locations.location_toggle, name="location_toggle"),
    path("schedules/", schedules.counselor_schedule_list, name="counselor_schedule_list"),
    path("schedules/<int:counselor_id>/", schedules.counselor_schedule, name="counselor_schedule"),
    path("staff/", staff.staff_list, name="staff_list"),
    path("staff/invite/", staff.staff_invite, name="staff_invite"),
    path("staff/<int:counselor_id>/", staff.staff_edit, name="staff_edit"),
    path("staff/<int:counselor_id>/deactivate/", staff.staff_deactivate, name="staff_deactivate"),
    path("staff/<int:counselor_id>/resend/", staff.staff_invitation_resend, name="staff_invitation_resend"),
    path("profile/public/", staff.own_public_profile, name="own_public_profile"),
    path("calendar/", calendar.calendar_view, name="calendar"),
    path("calendar/feed/", feeds.feed_settings, name="feed_settings"),
    path("appointments/", appointments.appointment_list, name="appointment_list"),
    path("appointments/book/", booking.appointment_book, name="appointment_book"),
    path("appointments/series/", booking.appointment_series, name="appointment_series"),
    path("appointments/request/", booking.appointment_request, name="appointment_request"),
    path("appointments/<int:appointment_id>/", appointments.appointment_detail, name="appointment_detail"),
    path("appointments/<int:appointment_id>/calendar.ics", appointments.appointment_ics, name="appointment_ics"),
    path(
        "appointments/<int:appointment_id>/<str:action>/",
        appointments.appointment_action,
        name="appointment_action",
    ),
    path("intake-requests/", intake.intake_list, name="intake_list"),
    path("intake-requests/<int:intake_id>/", intake.intake_detail, name="intake_detail"),
    path("intake-requests/<int:intake_id>/couple/", intake.intake_invite_couple, name="intake_invite_couple"),
]
