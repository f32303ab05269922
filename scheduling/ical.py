"""Appointments as RFC 5545 iCalendar (via the icalendar library).

Times are written in UTC (the "Z" form), so no VTIMEZONE is needed and every
client reads the same instant. The UID is stable per appointment, SEQUENCE
is Appointment.sequence (raised by the services on each change), and a
cancelled appointment stays in the feed with STATUS:CANCELLED so subscribed
calendars remove it rather than keep a stale copy.

What a feed never carries: the staff note (calendars live on other
companies' servers), cancellation reasons, intake contact details, or
anything clinical. A client's events name the counselor, not other people.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event

from accounts.models import Role, User
from scheduling.models import Appointment, AppointmentStatus

PRODID = "-//Counseling portal//Scheduling//EN"
ICAL_STATUS = {
    AppointmentStatus.REQUESTED: "TENTATIVE",
    AppointmentStatus.CONFIRMED: "CONFIRMED",
    AppointmentStatus.COMPLETED: "CONFIRMED",
    AppointmentStatus.NO_SHOW: "CONFIRMED",
    AppointmentStatus.CANCELLED: "CANCELLED",
}


def uid_for(appointment: Appointment) -> str:
    host = settings.PORTAL_BASE_URL.split("://", 1)[-1].split("/", 1)[0] or "portal"
    return f"appointment-{appointment.pk}@{host}"


def summary_for(appointment: Appointment, viewer: User) -> str:
    kind = appointment.get_kind_display()
    if viewer.role == Role.CLIENT:
        return f"{kind} with {appointment.counselor.full_name}"
    who = appointment.client_label
    return f"{kind}: {who}" if who else kind


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
        summary += " (requested)"
    event.add("summary", summary)
    location = appointment.location
    event.add("location", location.name if location.is_online else f"{location.name}, {location.address}".rstrip(", "))
    lines = [f"{appointment.get_kind_display()} with {appointment.counselor.full_name} at {location.name}."]
    if appointment.telehealth_url and appointment.is_blocking:
        event.add("url", appointment.telehealth_url)
        lines.append(f"Join online: {appointment.telehealth_url}")
    lines.append(settings.PORTAL_BASE_URL + reverse("appointment_detail", args=[appointment.pk]))
    event.add("description", "\n".join(lines))
    event.add("transp", "TRANSPARENT" if appointment.status == AppointmentStatus.CANCELLED else "OPAQUE")
    return event


def calendar_bytes(appointments: Iterable[Appointment], *, viewer: User, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for appointment in appointments:
        calendar.add_component(_event(appointment, viewer))
    return calendar.to_ical()
