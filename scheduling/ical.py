"""Appointments as RFC 5545 iCalendar (via the icalendar library).

Times are written in UTC (the "Z" form), so no VTIMEZONE is needed and every
client reads the same instant. The UID is stable per appointment, SEQUENCE
is Appointment.sequence (raised by the services on each change), and a
cancelled appointment stays in the feed with STATUS:CANCELLED so subscribed
calendars remove it rather than keep a stale copy.

What a feed never carries: the staff note (calendars live on other
companies' servers), cancellation reasons, intake contact details, or
anything clinical. A client's events name the counselor, not other people.

A client's feed also carries their exercise due dates: one event per open
occurrence (not yet submitted by them) of their couple's active assignments,
at the moment it is due (no DTEND: an instant, RFC 5545 3.6.1), marked
TRANSPARENT so it never shows them busy. It gives the exercise's title and
a link to the portal, never its prompts or answers. Its UID is stable per
occurrence and distinct from any appointment's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext
from icalendar import Calendar, Event

from accounts.models import User
from exercises.builtin_intake import title_outside_the_portal
from portal import policy
from scheduling.models import Appointment, AppointmentStatus

if TYPE_CHECKING:
    from exercises.models import Occurrence

PRODID = "-//Counseling portal//Scheduling//EN"
ICAL_STATUS = {
    AppointmentStatus.REQUESTED: "TENTATIVE",
    AppointmentStatus.CONFIRMED: "CONFIRMED",
    AppointmentStatus.COMPLETED: "CONFIRMED",
    AppointmentStatus.NO_SHOW: "CONFIRMED",
    AppointmentStatus.CANCELLED: "CANCELLED",
}


def _host() -> str:
    return settings.PORTAL_BASE_URL.split("://", 1)[-1].split("/", 1)[0] or "portal"


def uid_for(appointment: Appointment) -> str:
    return f"appointment-{appointment.pk}@{_host()}"


def exercise_uid_for(occurrence: Occurrence) -> str:
    return f"exercise-occurrence-{occurrence.pk}@{_host()}"


def summary_for(appointment: Appointment, viewer: User) -> str:
    kind = appointment.get_kind_display()
    if not policy.sees_staff_side(viewer):
        return gettext("%(kind)s with %(counselor)s") % {"kind": kind, "counselor": appointment.counselor.full_name}
    who = appointment.client_label
    return gettext("%(kind)s: %(who)s") % {"kind": kind, "who": who} if who else str(kind)


def _event(appointment: Appointment, viewer: User) -> Event:
    event = Event()
    event.add("uid", uid_for(appointment))
    event.add("dtstamp", appointment.updated_at.astimezone(UTC))
    event.add("dtstart", appointment.start.astimezone(UTC))
    event.add("dtend", appointment.end.astimezone(UTC))
    event.add("sequence", appointment.sequence)
    event.add("status", ICAL_STATUS[AppointmentStatus(appointment.status)])
    summary = summary_for(appointment, viewer)
    if appointment.status == AppointmentStatus.REQUESTED:
        summary = gettext("%(summary)s (requested)") % {"summary": summary}
    event.add("summary", summary)
    location = appointment.location
    event.add("location", location.name if location.is_online else f"{location.name}, {location.address}".rstrip(", "))
    lines = [
        gettext("%(kind)s with %(counselor)s at %(place)s.")
        % {"kind": appointment.get_kind_display(), "counselor": appointment.counselor.full_name, "place": location.name}
    ]
    if appointment.telehealth_url and appointment.is_blocking:
        event.add("url", appointment.telehealth_url)
        lines.append(gettext("Join online: %(url)s") % {"url": appointment.telehealth_url})
    lines.append(settings.PORTAL_BASE_URL + reverse("appointment_detail", args=[appointment.pk]))
    event.add("description", "\n".join(lines))
    event.add("transp", "TRANSPARENT" if appointment.status == AppointmentStatus.CANCELLED else "OPAQUE")
    return event


def _exercise_event(occurrence: Occurrence) -> Event:
    event = Event()
    event.add("uid", exercise_uid_for(occurrence))
    event.add("dtstamp", occurrence.created_at.astimezone(UTC))
    event.add("dtstart", occurrence.due_at.astimezone(UTC))
    event.add("sequence", 0)
    event.add("status", "CONFIRMED")
    title = title_outside_the_portal(occurrence.assignment.template)
    event.add("summary", gettext("Exercise due: %(title)s") % {"title": title})
    event.add("description", settings.PORTAL_BASE_URL + reverse("occurrence_detail", args=[occurrence.pk]))
    event.add("transp", "TRANSPARENT")
    return event


def calendar_bytes(
    appointments: Iterable[Appointment],
    *,
    viewer: User,
    name: str,
    exercises_due: Iterable[Occurrence] = (),
) -> bytes:
    """The calendar, its texts in the active language (a feed: its owner's, views.feeds)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for appointment in appointments:
        calendar.add_component(_event(appointment, viewer))
    for occurrence in exercises_due:
        calendar.add_component(_exercise_event(occurrence))
    return calendar.to_ical()
