"""Counselors' schedules, for staff: the list of counselors (a counselor goes
straight to their own), and one page with a counselor's profile, weekly
hours per location and time off."""

from __future__ import annotations

from collections import defaultdict
from datetime import time
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from accounts.models import User
from portal import paging, policy
from portal.errors import add_errors_to_form
from portal.http import AuthenticatedHttpRequest
from scheduling import selectors, services
from scheduling.forms import CounselorProfileForm, HoursOfficeForm, TimeOffForm, WorkingHoursForm
from scheduling.models import Location, Weekday
from scheduling.services.availability import hours_outside_opening
from scheduling.services.locations import HoursInterval
from scheduling.views.common import staff_only


def counselor_schedule_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = staff_only(request)
    if policy.has_own_schedule(user):
        return redirect("counselor_schedule", counselor_id=user.pk)
    counselors = paging.page_of(selectors.counselors_with_schedules(), request.GET)
    return render(request, "scheduling/counselor_schedule_list.html", {"counselors": counselors})


def _schedule_counselor(request: AuthenticatedHttpRequest, counselor_id: int) -> tuple[User, User]:
    actor = staff_only(request)
    counselor = selectors.counselor(counselor_id)
    if not policy.can_manage_schedule_of(actor, counselor):
        raise Http404
    return actor, counselor


def counselor_schedule(request: AuthenticatedHttpRequest, counselor_id: int) -> HttpResponse:
    """A counselor's profile, weekly hours per location and time off, on one page."""
    actor, counselor = _schedule_counselor(request, counselor_id)
    profile = selectors.counselor_profile_of(counselor)
    profile_initial: dict[str, Any] = {"is_accepting_new_clients": True}
    if profile is not None:
        profile_initial = {
            "credentials": profile.credentials,
            "title": profile.title,
            "bio": profile.bio,
            "specialties": list(profile.specialties.all()),
            "locations": list(profile.locations.all()),
            "sees_online": profile.sees_online,
            "is_accepting_new_clients": profile.is_accepting_new_clients,
            "on_leave": profile.on_leave,
        }
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    profile_form = CounselorProfileForm(request.POST if posted == "profile" else None, initial=profile_initial)
    hours_by_location = selectors.working_hours_by_location(counselor)
    place = _hours_place(request, hours_by_location)
    hours_form = WorkingHoursForm(
        request.POST if posted == "hours" else None,
        initial={"location": place},
        rows=_rows_by_day(hours_by_location.get(place, [])) if place else None,
    )
    time_off_form = TimeOffForm(request.POST if posted == "time_off" else None)
    booked_in_time_off: list[Any] = []
    status = 400 if posted else 200
    try:
        if posted == "profile" and profile_form.is_valid():
            services.counselor_profile_save(actor=actor, counselor=counselor, **profile_form.cleaned_data)
            messages.success(request, gettext("The profile is saved."))
            return redirect("counselor_schedule", counselor_id=counselor.pk)
        if posted == "hours" and hours_form.is_valid() and "copy_monday" in request.POST:
            # Not saved yet: the copy is shown to check, then saved with "Save hours".
            place = hours_form.cleaned_data["location"]
            hours_form = WorkingHoursForm(
                initial={"location": place}, rows=_monday_copied(hours_form.cleaned_data["intervals"], place)
            )
            messages.info(
                request, gettext("Monday's hours are copied to the other days the office is open. Check, then save.")
            )
            status = 200
        elif posted == "hours" and hours_form.is_valid():
            location = hours_form.cleaned_data["location"]
            intervals = hours_form.cleaned_data["intervals"]
            services.working_hours_set(actor=actor, counselor=counselor, location=location, intervals=intervals)
            messages.success(request, gettext("Working hours at %(place)s are saved.") % {"place": location.name})
            for warning in hours_outside_opening(location=location, intervals=intervals):
                messages.warning(request, warning)
            return _back_to_hours(counselor, location)
        if posted == "time_off" and time_off_form.is_valid():
            services.time_off_add(actor=actor, counselor=counselor, **time_off_form.cleaned_data)
            messages.success(request, gettext("The time off is added."))
            return redirect("counselor_schedule", counselor_id=counselor.pk)
        if posted == "remove_time_off":
            time_off = selectors.time_off_of(counselor, request.POST.get("time_off"))
            services.time_off_remove(actor=actor, time_off=time_off)
            messages.success(request, gettext("The time off is removed."))
            return redirect("counselor_schedule", counselor_id=counselor.pk)
    except ValidationError as exc:
        form = {"profile": profile_form, "hours": hours_form, "time_off": time_off_form}[posted]
        add_errors_to_form(form, exc)
    except services.TimeOffOverBookings as exc:
        time_off_form.add_error(None, exc.message)
        booked_in_time_off, status = exc.appointments, 409
    except PermissionDenied:
        raise Http404 from None
    context = {
        "counselor": counselor,
        "profile": profile,
        "profile_form": profile_form,
        "hours_form": hours_form,
        "time_off_form": time_off_form,
        "hours": [(where, _day_lines(rows)) for where, rows in hours_by_location.items()],
        "hours_place": (hours_place := getattr(hours_form, "cleaned_data", {}).get("location") or place),
        "office_form": HoursOfficeForm(initial={"location": hours_place}),
        "time_off": selectors.time_off_ahead(counselor),
        "booked_in_time_off": booked_in_time_off,
    }
    return render(request, "scheduling/counselor_schedule.html", context, status=status)


HoursRows = list[tuple[int, time, time]]


def _hours_place(request: AuthenticatedHttpRequest, hours_by_location: dict[Location, HoursRows]) -> Location | None:
    """The office whose hours the pickers edit: ?location=<id> (an active office,
    else 404), or the first office the counselor works at, or the first office."""
    wanted = request.GET.get("location", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        place = selectors.locations_active().filter(pk=int(wanted)).first()
        if place is None:
            raise Http404
        return place
    return next(iter(hours_by_location), None) or selectors.locations_active().first()


def _rows_by_day(rows: HoursRows) -> dict[int, list[tuple[time, time]]]:
    by_day: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for weekday, start, end in sorted(rows):
        by_day[weekday].append((start, end))
    return by_day


def _day_lines(rows: HoursRows) -> list[tuple[str, str]]:
    """("Monday", "09:00–12:00, 13:00–17:00") for each day with hours."""
    return [
        (str(Weekday(day).label), ", ".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in spans))
        for day, spans in sorted(_rows_by_day(rows).items())
    ]


def _monday_copied(intervals: list[HoursInterval], place: Location) -> dict[int, list[tuple[time, time]]]:
    """Monday's rows on every day the office opens (every day, if it has no opening hours yet)."""
    monday = [(i.start, i.end) for i in intervals if i.weekday == 0]
    open_days = {weekday for weekday, _, _ in selectors.opening_hours_rows(place)} or set(range(7))
    return {day: list(monday) for day in open_days | {0}}


def _back_to_hours(counselor: User, location: Location) -> HttpResponseRedirect:
    url = reverse("counselor_schedule", kwargs={"counselor_id": counselor.pk})
    return HttpResponseRedirect(f"{url}?{urlencode({'location': location.pk})}#hours-heading")
