"""The staff calendar: a time grid of a day (counselors as columns) or a week
(days as columns) in the viewer's time zone. A counselor sees their own
column; a practice admin one office's counselors (the first active office
unless another is chosen) or one counselor, never every counselor of the
practice at once. Free half hours link to the booking page, appointments to
their own page. The layout itself is scheduling.calendar_grid's."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import dateformat, timezone

from accounts.models import User
from portal import policy
from portal.http import AuthenticatedHttpRequest
from scheduling import calendar_grid, selectors
from scheduling.calendar_grid import ColumnSpec, Interval, Opening
from scheduling.models import Appointment, Location, OpeningHours, TimeOff, WorkingHours
from scheduling.views.common import OfficeFilters, parse_day, staff_only


def calendar_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = staff_only(request)
    filters = _filters(request, user)
    counselor, location = filters.counselor, filters.location
    view = request.GET.get("view")
    if view not in ("day", "week"):
        # The front desk starts on an office's day; a counselor on their week.
        view = "week" if counselor is not None else "day"
    tz = timezone.get_current_timezone()
    days = _days(view, parse_day(request.GET.get("date")))
    jumped = False
    if not request.GET.get("date"):
        # Nothing this week (or day)? Open on the first one that has something.
        found = selectors.first_appointment_start_from(
            user, _midnight(days[0], tz), counselor=counselor, location=location
        )
        if found is not None and found >= _midnight(days[-1] + timedelta(days=1), tz):
            days, jumped = _days(view, timezone.localtime(found, tz).date()), True
    span_start, span_end = _midnight(days[0], tz), _midnight(days[-1] + timedelta(days=1), tz)
    appointments = list(
        selectors.appointments_between(user, span_start, span_end, counselor=counselor, location=location)
    )
    by_day: dict[date, list[Appointment]] = defaultdict(list)
    for appointment in appointments:
        # One that began before the span (across midnight into its first day) shows on that day.
        by_day[max(timezone.localtime(appointment.start, tz).date(), days[0])].append(appointment)

    people = _column_counselors(view, filters, appointments)
    hours = selectors.calendar_working_hours([p.pk for p in people], location=location)
    places = {h.location_id: h.location for h in hours} | ({location.pk: location} if location else {})
    opening = selectors.calendar_opening_hours(places)
    off = selectors.calendar_time_off([p.pk for p in people], days[0] - timedelta(days=1), days[-1])
    context_of = _Hours(hours, opening, places, off, tz)
    working_today = {row.counselor_id for row in hours if row.weekday == days[0].weekday()}
    if view == "day":
        specs = [
            context_of.spec(
                day=days[0],
                counselor=person,
                location=location,
                title=person.full_name,
                appointments=[a for a in by_day[days[0]] if a.counselor_id == person.pk],
            )
            for person in people
            if person.pk in working_today or any(a.counselor_id == person.pk for a in by_day[days[0]])
        ]
    else:
        specs = [
            context_of.spec(
                day=day,
                counselor=counselor,
                location=location,
                title=dateformat.format(day, "D j M"),
                appointments=by_day[day],
            )
            for day in days
        ]
    grid = calendar_grid.layout(specs, tz, timezone.now())
    anchor = days[0]
    step = timedelta(days=1 if view == "day" else 7)
    context = {
        "view": view,
        "grid": grid,
        "days": [(day, by_day.get(day, [])) for day in days],
        "counselors": filters.counselors,
        "locations": filters.locations,
        "counselor": counselor,
        "location": location,
        "anchor": anchor,
        "last_day": days[-1],
        "jumped": jumped,
        "previous": anchor - step,
        "next": anchor + step,
        "today": timezone.localdate(),
        "tz_name": str(tz),
        "filter_query": _query(counselor, location),
    }
    return render(request, "scheduling/calendar.html", context)


def _days(view: str, anchor: date) -> list[date]:
    if view == "day":
        return [anchor]
    monday = anchor - timedelta(days=anchor.weekday())
    return [monday + timedelta(days=n) for n in range(7)]


def _midnight(day: date, tz: Any) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def _query(counselor: User | None, location: Location | None) -> str:
    parts = ([f"counselor={counselor.pk}"] if counselor else []) + ([f"location={location.slug}"] if location else [])
    return "&".join(parts)


def _filters(request: AuthenticatedHttpRequest, user: User) -> OfficeFilters:
    """?location=<slug>&counselor=<id>: a filter naming what the viewer may not
    see, or nothing at all, is a 404. A counselor's column is always theirs; a
    practice admin sees one office (the first active one by default) or one counselor."""
    locations = list(selectors.locations_active())
    slug, wanted = request.GET.get("location") or "", request.GET.get("counselor") or ""
    location = next((place for place in locations if place.slug == slug), None)
    if slug and location is None:
        raise Http404("No such office.")
    if policy.has_own_schedule(user):
        if wanted and wanted != str(user.pk):
            raise Http404
        return OfficeFilters(locations, location, [user], user)
    counselor = None
    if wanted:
        counselor = selectors.counselor_bookable(wanted)
        if counselor is None:
            raise Http404
    if location is None and counselor is None and locations:
        location = locations[0]
    if location is None:
        return OfficeFilters(locations, None, [counselor] if counselor else [], counselor)
    counselors = list(selectors.counselors_at(location))
    if counselor is not None and counselor not in counselors:
        counselor = None  # the office changed and the counselor does not work there: show the office
    return OfficeFilters(locations, location, counselors, counselor)


def _column_counselors(view: str, filters: OfficeFilters, appointments: list[Appointment]) -> list[User]:
    """The day view's candidates for columns: the counselor chosen, or the office's
    counselors and anyone with an appointment there (the view keeps those who work
    there that day or have an appointment). The week view's: the counselor, if one is chosen."""
    if filters.counselor is not None:
        return [filters.counselor]
    if view == "week":
        return []
    people = {person.pk: person for person in filters.counselors}
    for appointment in appointments:
        people.setdefault(appointment.counselor_id, appointment.counselor)
    return sorted(people.values(), key=lambda person: (person.full_name, person.pk))


class _Hours:
    """Working hours, opening hours and time off, turned into a column's intervals."""

    def __init__(
        self,
        hours: list[WorkingHours],
        opening: list[OpeningHours],
        places: dict[int, Location],
        time_off: list[TimeOff],
        tz: Any,
    ) -> None:
        self.places, self.tz = places, tz
        self.opening: dict[tuple[int, int], list[tuple[time, time]]] = defaultdict(list)
        for row in opening:
            self.opening[(row.location_id, row.weekday)].append((row.opens, row.closes))
        self.working: dict[int, list[WorkingHours]] = defaultdict(list)
        for worked in hours:
            self.working[worked.counselor_id].append(worked)
        self.time_off = time_off

    def _open(self, location_id: int, day: date) -> list[Interval]:
        # The location's days around the viewer's day: time zones may differ.
        place = self.places[location_id]
        return [
            interval
            for near in (day - timedelta(days=1), day, day + timedelta(days=1))
            for interval in calendar_grid.wall_clock_intervals(
                near, self.opening.get((location_id, near.weekday()), []), place.tz
            )
        ]

    def spec(
        self,
        *,
        day: date,
        counselor: User | None,
        location: Location | None,
        title: str,
        appointments: list[Appointment],
    ) -> ColumnSpec:
        openings: list[Opening] = []
        office_ids = {location.pk} if location else set()
        if counselor is not None:
            for row in self.working[counselor.pk]:
                office_ids.add(row.location_id)
                for near in (day - timedelta(days=1), day, day + timedelta(days=1)):
                    if near.weekday() != row.weekday:
                        continue
                    worked = calendar_grid.wall_clock_intervals(near, [(row.start, row.end)], row.location.tz)
                    openings += [
                        Opening(start, end, row.location_id, row.location.name)
                        for start, end in calendar_grid.intersect(worked, self._open(row.location_id, near))
                    ]
        # Only what falls on the viewer's day: the neighbouring days were read for time zones' sake.
        day_start, day_end = _midnight(day, self.tz), _midnight(day + timedelta(days=1), self.tz)
        openings = [o for o in openings if o.start < day_end and o.end > day_start]
        office_open = sorted(interval for place in office_ids for interval in self._open(place, day))
        is_off = counselor is not None and any(
            off.counselor_id == counselor.pk and off.starts_on <= day <= off.ends_on for off in self.time_off
        )
        return ColumnSpec(
            key=f"{day:%Y%m%d}-{counselor.pk if counselor else 0}",
            title=title,
            day=day,
            counselor_id=counselor.pk if counselor else None,
            counselor_name=counselor.full_name if counselor else "",
            appointments=appointments,
            openings=openings,
            office_open=office_open,
            time_off=is_off,
        )
