"""Counselors' schedules, for staff: the list of counselors (a counselor goes
straight to their own), and one page with a counselor's profile, weekly
hours per location and time off."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from accounts.models import User
from portal import paging, policy
from portal.errors import add_errors_to_form
from portal.http import AuthenticatedHttpRequest
from scheduling import selectors, services
from scheduling.forms import CounselorProfileForm, TimeOffForm, WorkingHoursForm, format_weekly_hours
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
    hours_form = WorkingHoursForm(request.POST if posted == "hours" else None)
    time_off_form = TimeOffForm(request.POST if posted == "time_off" else None)
    booked_in_time_off: list[Any] = []
    status = 400 if posted else 200
    try:
        if posted == "profile" and profile_form.is_valid():
            services.counselor_profile_save(actor=actor, counselor=counselor, **profile_form.cleaned_data)
            messages.success(request, "The profile is saved.")
            return redirect("counselor_schedule", counselor_id=counselor.pk)
        if posted == "hours" and hours_form.is_valid():
            location = hours_form.cleaned_data["location"]
            services.working_hours_set(
                actor=actor, counselor=counselor, location=location, intervals=hours_form.cleaned_data["hours"]
            )
            messages.success(request, f"Working hours at {location.name} are saved.")
            return redirect("counselor_schedule", counselor_id=counselor.pk)
        if posted == "time_off" and time_off_form.is_valid():
            services.time_off_add(actor=actor, counselor=counselor, **time_off_form.cleaned_data)
            messages.success(request, "The time off is added.")
            return redirect("counselor_schedule", counselor_id=counselor.pk)
        if posted == "remove_time_off":
            time_off = selectors.time_off_of(counselor, request.POST.get("time_off"))
            services.time_off_remove(actor=actor, time_off=time_off)
            messages.success(request, "The time off is removed.")
            return redirect("counselor_schedule", counselor_id=counselor.pk)
    except ValidationError as exc:
        form = {"profile": profile_form, "hours": hours_form, "time_off": time_off_form}[posted]
        add_errors_to_form(form, exc)
    except services.TimeOffOverBookings as exc:
        time_off_form.add_error(None, exc.message)
        booked_in_time_off, status = exc.appointments, 409
    except PermissionDenied:
        raise Http404 from None
    hours_by_location = selectors.working_hours_by_location(counselor)
    context = {
        "counselor": counselor,
        "profile": profile,
        "profile_form": profile_form,
        "hours_form": hours_form,
        "time_off_form": time_off_form,
        "hours": [(place, format_weekly_hours(rows)) for place, rows in hours_by_location.items()],
        "time_off": selectors.time_off_ahead(counselor),
        "booked_in_time_off": booked_in_time_off,
    }
    return render(request, "scheduling/counselor_schedule.html", context, status=status)
