"""Offices, counselors' availability and appointments, one module per subject
(locations, counselors, intake, appointments, practice); every model and
choice is importable from here, as ``scheduling.models.X``.

Times: an appointment's start and end are stored as aware datetimes (UTC in
the database); opening hours, working hours and time off are wall-clock
times and dates in the location's time zone, which is where they are
interpreted (scheduling.services and scheduling.slots).
"""

from scheduling.models.appointments import (
    BLOCKING_STATUSES,
    LONGEST_APPOINTMENT,
    Appointment,
    AppointmentChange,
    AppointmentKind,
    AppointmentParticipant,
    AppointmentSeries,
    AppointmentStatus,
    ChangeAction,
)
from scheduling.models.counselors import CounselorProfile, Specialty, TimeOff, WorkingHours
from scheduling.models.intake import IntakeRequest, IntakeStatus
from scheduling.models.locations import Location, LocationKind, OpeningHours, Weekday
from scheduling.models.practice import CalendarFeed, PracticeSettings, new_feed_token

__all__ = [
    "BLOCKING_STATUSES",
    "LONGEST_APPOINTMENT",
    "Appointment",
    "AppointmentChange",
    "AppointmentKind",
    "AppointmentParticipant",
    "AppointmentSeries",
    "AppointmentStatus",
    "CalendarFeed",
    "ChangeAction",
    "CounselorProfile",
    "IntakeRequest",
    "IntakeStatus",
    "Location",
    "LocationKind",
    "OpeningHours",
    "PracticeSettings",
    "Specialty",
    "TimeOff",
    "Weekday",
    "WorkingHours",
    "new_feed_token",
]
