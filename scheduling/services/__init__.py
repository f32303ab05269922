"""Business rules for locations, counselors' availability and appointments,
one module per subject; every service is importable from here, as
``scheduling.services.X``.

Every change goes through a function here, which checks who may make it,
keeps the appointment's history (AppointmentChange) and writes an
AuditEvent. Views, serializers, admin actions and tasks call these.

No double booking, on any database: see scheduling.services.availability.
"""

from scheduling.services.booking import appointment_book, appointment_request
from scheduling.services.changes import (
    appointment_cancel,
    appointment_confirm,
    appointment_decline,
    appointment_record_outcome,
    appointment_reschedule,
)
from scheduling.services.counselors import (
    NOT_AN_IMAGE,
    PHOTO_SIDE,
    TimeOffOverBookings,
    counselor_bio_save,
    counselor_invite_with_profile,
    counselor_photo_remove,
    counselor_photo_set,
    counselor_profile_save,
    time_off_add,
    time_off_remove,
    working_hours_set,
)
from scheduling.services.errors import AppointmentConflict, Conflict, SeriesConflict
from scheduling.services.feeds import calendar_feed_enable, calendar_feed_regenerate, calendar_feed_revoke
from scheduling.services.intake import (
    intake_partner_guess,
    intake_request_create,
    intake_request_invite_couple,
    intake_request_schedule,
)
from scheduling.services.locations import (
    LOCATION_FIELDS,
    HoursInterval,
    location_activate,
    location_create,
    location_deactivate,
    location_set_opening_hours,
    location_update,
)
from scheduling.services.series import appointment_book_series

__all__ = [
    "LOCATION_FIELDS",
    "NOT_AN_IMAGE",
    "PHOTO_SIDE",
    "AppointmentConflict",
    "Conflict",
    "HoursInterval",
    "SeriesConflict",
    "TimeOffOverBookings",
    "appointment_book",
    "appointment_book_series",
    "appointment_cancel",
    "appointment_confirm",
    "appointment_decline",
    "appointment_record_outcome",
    "appointment_request",
    "appointment_reschedule",
    "calendar_feed_enable",
    "calendar_feed_regenerate",
    "calendar_feed_revoke",
    "counselor_bio_save",
    "counselor_invite_with_profile",
    "counselor_photo_remove",
    "counselor_photo_set",
    "counselor_profile_save",
    "intake_partner_guess",
    "intake_request_create",
    "intake_request_invite_couple",
    "intake_request_schedule",
    "location_activate",
    "location_create",
    "location_deactivate",
    "location_set_opening_hours",
    "location_update",
    "time_off_add",
    "time_off_remove",
    "working_hours_set",
]
