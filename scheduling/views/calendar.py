"""The staff calendar: a day or a week of appointments for a counselor or a
location, in the viewer's time zone. A counselor sees their own; a practice
admin one office (the first active one unless another is chosen) or one
counselor, never every counselor of the practice at once."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from portal import policy
from portal.http import AuthenticatedHttpRequest
from scheduling import selectors
from scheduling.models import Appointment
from scheduling.views.common import OfficeFilters, office_filters, parse_day, staff_only


def calendar_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Day or week of appointments for a counselor or a location, in the viewer's time zone."""
    user = staff_only(request)
    view = "day" if request.GET.get("view") == "day" else "week"
    anchor = parse_day(request.GET.get("date"))
    first = anchor if view == "day" else anchor - timedelta(days=anchor.weekday())
    days = [first + timedelta(days=n) for n in range(1 if view == "day" else 7)]
    tz = timezone.get_current_timezone()
    span_start = datetime.combine(days[0], time.min, tzinfo=tz).astimezone(UTC)
    span_end = datetime.combine(days[-1] + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)

    own = policy.has_own_schedule(user)
    offices = _own_filters(request) if own else office_filters(request, default_to_first=True)
    counselor, location = offices.counselor, offices.location
    appointments = selectors.appointments_between(user, span_start, span_end, counselor=counselor, location=location)
    by_day: dict[date, list[Appointment]] = defaultdict(list)
    for appointment in appointments:
        # One that began before the span (across midnight into its first day) shows on that day.
        by_day[max(timezone.localtime(appointment.start).date(), days[0])].append(appointment)
    step = timedelta(days=1 if view == "day" else 7)
    context = {
        "view": view,
        "days": [(day, by_day.get(day, [])) for day in days],
        "counselors": offices.counselors,
        "locations": offices.locations,
        "counselor": counselor,
        "location": location,
        "anchor": anchor,
        "previous": anchor - step,
        "next": anchor + step,
        "today": timezone.localdate(),
        "tz_name": str(tz),
    }
    return render(request, "scheduling/calendar.html", context)


def _own_filters(request: AuthenticatedHttpRequest) -> OfficeFilters:
    """A counselor: their own calendar, or their appointments at one office."""
    user = request.user
    counselors = list(selectors.counselors_bookable_by(user))
    locations = list(selectors.locations_active())
    location = next((place for place in locations if place.slug == request.GET.get("location")), None)
    counselor = next((c for c in counselors if str(c.pk) == request.GET.get("counselor")), None)
    if location is None and counselor is None:
        counselor = user
    return OfficeFilters(locations, location, counselors, counselor)
