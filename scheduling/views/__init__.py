"""Scheduling pages, one module per subject: public offices and counselors,
locations (admins), counselors' schedules and the calendar (staff),
appointments and booking, intake requests (admins) and calendar feeds.

Thin views: forms parse, scheduling.services decide, scheduling.selectors
scope what each role sees (portal.policy says who may do what). Anything out
of scope is a 404.
"""

from scheduling.views.appointments import appointment_action, appointment_detail, appointment_ics, appointment_list
from scheduling.views.booking import appointment_book, appointment_request, appointment_series
from scheduling.views.calendar import calendar_view
from scheduling.views.feeds import FEED_PAST_DAYS, calendar_feed, feed_settings, location_feed
from scheduling.views.intake import intake_detail, intake_invite_couple, intake_list
from scheduling.views.locations import location_edit, location_list, location_toggle
from scheduling.views.public import (
    INTAKE_RATE_LIMIT,
    INTAKE_RATE_WINDOW_SECONDS,
    INTAKE_THANKS,
    counselor_directory,
    counselor_profile,
    office_detail,
    office_list,
)
from scheduling.views.schedules import counselor_schedule, counselor_schedule_list

__all__ = [
    "FEED_PAST_DAYS",
    "INTAKE_RATE_LIMIT",
    "INTAKE_RATE_WINDOW_SECONDS",
    "INTAKE_THANKS",
    "appointment_action",
    "appointment_book",
    "appointment_detail",
    "appointment_ics",
    "appointment_list",
    "appointment_request",
    "appointment_series",
    "calendar_feed",
    "calendar_view",
    "counselor_directory",
    "counselor_profile",
    "counselor_schedule",
    "counselor_schedule_list",
    "feed_settings",
    "intake_detail",
    "intake_invite_couple",
    "intake_list",
    "location_edit",
    "location_feed",
    "location_list",
    "location_toggle",
    "office_detail",
    "office_list",
]
