"""Making appointments from the pages: staff search a counselor's free times and
book one, or book a weekly series; a client asks for one of their
counselor's free times."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from portal import policy
from portal.errors import add_errors_to_form
from portal.http import AuthenticatedHttpRequest
from scheduling import selectors, services, slots
from scheduling.forms import BookingForm, RequestSlotForm, SeriesForm, SlotSearchForm
from scheduling.models import AppointmentStatus, Location, PracticeSettings
from scheduling.views.common import folded_slot_days, parse_day, slot_days, staff_only


def appointment_book(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Search a counselor's free times at a location, then book one (admins may override the hours)."""
    user = staff_only(request)
    choices = selectors.booking_choices(user)
    source = request.GET if request.method == "GET" else request.POST
    initial = {"week_of": timezone.localdate(), "duration_minutes": PracticeSettings.load().default_duration_minutes}
    if policy.has_own_schedule(user):
        initial["counselor"] = user.pk
    search = SlotSearchForm(source if "location" in source else None, counselors=choices["counselors"], initial=initial)
    found: list[slots.Slot] = []
    if search.is_valid():
        week_of = search.cleaned_data["week_of"]
        found = slots.free_slots(
            counselor=search.cleaned_data["counselor"],
            location=search.cleaned_data["location"],
            date_from=week_of,
            date_to=week_of + timedelta(days=6),
            duration=timedelta(minutes=search.cleaned_data["duration_minutes"]),
        )
    form = BookingForm(request.POST or None, initial=search.data if search.is_bound else None, **choices)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                appointment = services.appointment_book(
                    actor=user,
                    counselor=data["counselor"],
                    location=data["location"],
                    start=data["slot"],
                    duration_minutes=data["duration_minutes"],
                    kind=data["kind"],
                    couple=data["couple"],
                    individual_client=data["individual_client"],
                    intake_names=data["intake_names"],
                    intake_email=data["intake_email"],
                    telehealth_url=data["telehealth_url"],
                    staff_note=data["staff_note"],
                    override_hours_reason=data["override_hours_reason"],
                )
            except ValidationError as exc:
                add_errors_to_form(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            except services.AppointmentConflict as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                if appointment.status == AppointmentStatus.REQUESTED:
                    messages.warning(
                        request,
                        "The time is held for the couple, as requested: it is their first session and "
                        "their intake paperwork is not complete. Confirm it here once they have signed.",
                    )
                else:
                    messages.success(request, "The appointment is booked.")
                return redirect("appointment_detail", appointment_id=appointment.pk)
    chosen = search.cleaned_data if search.is_valid() else getattr(form, "cleaned_data", {})
    context = {
        "search": search,
        "form": form,
        "chosen": chosen,
        "slot_days": slot_days(found),
        "searched": search.is_valid() or form.is_bound,
        "can_override": policy.can_override_hours(user),
    }
    return render(request, "scheduling/appointment_book.html", context, status=status)


def appointment_series(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Weekly or every-other-week sessions; taken dates are listed and nothing is saved."""
    user = staff_only(request)
    choices = selectors.booking_choices(user)
    form = SeriesForm(request.POST or None, counselors=choices["counselors"], couples=choices["couples"])
    conflict_dates: list[date] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            location = data["location"]
            try:
                series = services.appointment_book_series(
                    actor=user,
                    counselor=data["counselor"],
                    location=location,
                    first_start=datetime.combine(data["first_day"], data["start_time"], tzinfo=location.tz),
                    interval_weeks=data["interval_weeks"],
                    count=data["count"],
                    until=data["until"],
                    duration_minutes=data["duration_minutes"],
                    couple=data["couple"],
                )
            except ValidationError as exc:
                add_errors_to_form(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            except services.SeriesConflict as exc:
                conflict_dates = exc.dates
                form.add_error(None, exc.message)
                status = 409
            else:
                count = series.appointments.count()
                messages.success(request, f"{count} sessions are booked.")
                return redirect("appointment_list")
    context = {"form": form, "conflict_dates": conflict_dates}
    return render(request, "scheduling/appointment_series.html", context, status=status)


def appointment_request(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A client sees their counselor's free times for two weeks, chooses one
    (a GET: nothing is sent yet), and sends the request from a step that
    shows the time chosen, with an optional note."""
    user = request.user
    if not policy.may_request_appointments(user):
        raise Http404
    couple = selectors.active_couple_of(user)
    may_request = PracticeSettings.load().clients_may_request and couple is not None
    form = RequestSlotForm(request.POST or None)
    if request.method == "POST":
        if not may_request:
            raise Http404
        assert couple is not None
        if form.is_valid():
            try:
                appointment = services.appointment_request(
                    actor=user,
                    counselor=couple.primary_counselor,
                    location=form.cleaned_data["location"],
                    start=form.cleaned_data["slot"],
                    note=form.cleaned_data["note"],
                )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            except services.AppointmentConflict as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "Your request is sent. Your counselor will confirm it soon.")
                return redirect("appointment_detail", appointment_id=appointment.pk)
        else:
            messages.error(request, "Choose one of the free times.")
        return redirect("appointment_request")
    chosen = RequestSlotForm(request.GET) if may_request and "slot" in request.GET else None
    if chosen is not None and chosen.is_valid():
        place = chosen.cleaned_data["location"]
        context = {"couple": couple, "form": chosen, "place": place, "viewer_tz": str(timezone.get_current_timezone())}
        return render(request, "scheduling/appointment_request_confirm.html", context)
    found: list[slots.Slot] = []
    locations: dict[int, Location] = {}
    if may_request:
        assert couple is not None
        start = parse_day(request.GET.get("from"))
        start = max(start, timezone.localdate())
        found = slots.free_slots(
            counselor=couple.primary_counselor, date_from=start, date_to=start + timedelta(days=13), couple=couple
        )
        locations = selectors.locations_by_pk(s.location_id for s in found)
    # Shown in the client's own time zone (the middleware activates it), each
    # office's zone stated beside it: a couple in New York booking Edmonds.
    viewer_tz = timezone.get_current_timezone()
    context = {
        "couple": couple,
        "may_request": may_request,
        "viewer_tz": str(viewer_tz),
        "offices": sorted(locations.values(), key=lambda place: place.name),
        "slot_days": folded_slot_days(found, locations, viewer_tz),
    }
    return render(request, "scheduling/appointment_request.html", context)
