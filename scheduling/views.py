"""Scheduling pages: public offices and counselors, staff calendars and booking, clients' appointments.

Thin views: forms parse, scheduling.services decide, scheduling.selectors
scope what each role sees. Anything out of scope is a 404.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.forms import InviteCoupleForm
from accounts.models import Couple, CoupleStatus, Role, User
from accounts.services import PartnerDetails
from portal import policy
from portal.errors import add_errors_to_form
from scheduling import ical, selectors, services, slots
from scheduling.forms import (
    BookingForm,
    CounselorProfileForm,
    DirectoryFilterForm,
    IntakeRequestForm,
    LocationForm,
    ReasonForm,
    RequestSlotForm,
    RescheduleForm,
    SeriesForm,
    SlotSearchForm,
    TimeOffForm,
    WorkingHoursForm,
    format_weekly_hours,
)
from scheduling.models import (
    Appointment,
    AppointmentStatus,
    CalendarFeed,
    CounselorProfile,
    IntakeRequest,
    IntakeStatus,
    Location,
    PracticeSettings,
    TimeOff,
    Weekday,
    WorkingHours,
)

# New-client requests from one address: enough for a family sharing a
# connection, too few for a spammer.
INTAKE_RATE_LIMIT = 5
INTAKE_RATE_WINDOW_SECONDS = 60 * 60


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _staff_only(request: HttpRequest) -> User:
    user = _user(request)
    if getattr(user, "role", None) not in policy.STAFF_ROLES:
        raise Http404
    return user


def _admin_only(request: HttpRequest) -> User:
    user = _user(request)
    if not policy.is_practice_admin(user):
        raise Http404
    return user


def _week_rows(location: Location) -> list[tuple[str, list[str]]]:
    """Monday to Sunday with the location's (prefetched) opening hours, wall-clock in its time zone."""
    by_day: dict[int, list[str]] = defaultdict(list)
    for hours in location.opening_hours.all():
        by_day[hours.weekday].append(f"{hours.opens:%-I:%M %p}–{hours.closes:%-I:%M %p}")
    return [(label, by_day.get(value, [])) for value, label in Weekday.choices]


# ---------------------------------------------------------------- public pages


@login_not_required
def office_list(request: HttpRequest) -> HttpResponse:
    locations = list(selectors.locations_with_hours())
    rows = [(location, _week_rows(location)) for location in locations]
    return render(request, "scheduling/office_list.html", {"rows": rows})


@login_not_required
def office_detail(request: HttpRequest, slug: str) -> HttpResponse:
    location = get_object_or_404(selectors.locations_with_hours(), slug=slug)
    counselors = selectors.counselors_directory(location=location)
    context = {"location": location, "hours": _week_rows(location), "counselors": counselors}
    return render(request, "scheduling/office_detail.html", context)


@login_not_required
def counselor_directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "location": form.cleaned_data["location"],
            "specialty": form.cleaned_data["specialty"],
            "online": True if form.cleaned_data["online"] else None,
        }
    counselors = selectors.counselors_directory(**filters)
    return render(request, "scheduling/counselor_directory.html", {"form": form, "counselors": counselors})


def _client_ip(request: HttpRequest) -> str:
    # The app sits behind one trusted proxy that sets REMOTE_ADDR (as for django-axes).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _intake_rate_limited(request: HttpRequest) -> bool:
    """Count this submission; True once the address has sent more than the limit this hour."""
    key = f"scheduling:intake-request:{_client_ip(request)}"
    cache.add(key, 0, timeout=INTAKE_RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=INTAKE_RATE_WINDOW_SECONDS)
        count = 1
    return count > INTAKE_RATE_LIMIT


INTAKE_THANKS = (
    "Thank you — your request is with our front desk. We will reply by e-mail or phone within two business days."
)


@login_not_required
def counselor_profile(request: HttpRequest, slug: str) -> HttpResponse:
    profile = selectors.counselor_profile_public(slug)
    form = IntakeRequestForm(request.POST or None, locations=profile.locations.all())
    status = 200
    if request.method == "POST":
        if _intake_rate_limited(request):
            form.is_valid()
            form.add_error(None, "Too many requests from your connection. Please call us, or try again in an hour.")
            status = 429
        elif form.is_spam:
            # Say nothing to the bot that it was caught.
            messages.success(request, INTAKE_THANKS)
            return redirect("counselor_profile", slug=profile.slug)
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.intake_request_create(
                    counselor=profile.user, preferred_location=data["preferred_location"],
                    prefers_online=data["prefers_online"], specialty=data["specialty"],
                    preferred_times=data["preferred_times"], names=data["names"], email=data["email"],
                    phone=data["phone"], note=data["note"],
                )  # fmt: skip
            except ValidationError as exc:
                add_errors_to_form(form, exc)
                status = 400
            else:
                messages.success(request, INTAKE_THANKS)
                return redirect("counselor_profile", slug=profile.slug)
        else:
            status = 400
    context = {"profile": profile, "form": form}
    return render(request, "scheduling/counselor_profile.html", context, status=status)


# ---------------------------------------------------------------- locations (admins)


def location_list(request: HttpRequest) -> HttpResponse:
    """The practice admin's overview of every office, active or not."""
    _admin_only(request)
    locations = Location.objects.order_by("-is_active", "name")
    return render(request, "scheduling/location_list.html", {"locations": locations})


def location_edit(request: HttpRequest, location_id: int | None = None) -> HttpResponse:
    actor = _admin_only(request)
    location = get_object_or_404(Location, pk=location_id) if location_id else None
    initial = {}
    if location is not None:
        rows = list(location.opening_hours.values_list("weekday", "opens", "closes"))
        initial["opening_hours"] = format_weekly_hours(rows)
    # The form validates a copy; the services change the real row.
    form_instance = Location.objects.get(pk=location.pk) if location else None
    form = LocationForm(request.POST or None, instance=form_instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.LOCATION_FIELDS}
        hours = form.cleaned_data["opening_hours"]
        try:
            if location is None:
                location = services.location_create(actor=actor, fields=fields, opening_hours=hours)
            else:
                services.location_update(actor=actor, location=location, fields=fields)
                services.location_set_opening_hours(actor=actor, location=location, intervals=hours)
        except ValidationError as exc:
            add_errors_to_form(form, exc)  # type: ignore[arg-type]
        else:
            messages.success(request, f"{location.name} is saved.")
            return redirect("location_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "scheduling/location_form.html", {"form": form, "location": location}, status=status)


@require_POST
def location_toggle(request: HttpRequest, location_id: int) -> HttpResponse:
    actor = _admin_only(request)
    location = get_object_or_404(Location, pk=location_id)
    if location.is_active:
        services.location_deactivate(actor=actor, location=location)
        messages.success(request, f"{location.name} is deactivated: it keeps its history and takes no new bookings.")
    else:
        services.location_activate(actor=actor, location=location)
        messages.success(request, f"{location.name} is active again.")
    return redirect("location_list")


# ---------------------------------------------------------------- counselors' schedules (staff)


def counselor_schedule_list(request: HttpRequest) -> HttpResponse:
    user = _staff_only(request)
    if user.role == Role.COUNSELOR:
        return redirect("counselor_schedule", counselor_id=user.pk)
    counselors = (
        User.objects.filter(role=Role.COUNSELOR, is_active=True)
        .select_related("counselor_profile")
        .order_by("full_name")
    )
    return render(request, "scheduling/counselor_schedule_list.html", {"counselors": counselors})


def _schedule_counselor(request: HttpRequest, counselor_id: int) -> tuple[User, User]:
    actor = _staff_only(request)
    counselor = get_object_or_404(User, pk=counselor_id, role=Role.COUNSELOR)
    if not policy.can_manage_schedule_of(actor, counselor):
        raise Http404
    return actor, counselor


def counselor_schedule(request: HttpRequest, counselor_id: int) -> HttpResponse:
    """A counselor's profile, weekly hours per location and time off, on one page."""
    actor, counselor = _schedule_counselor(request, counselor_id)
    profile = CounselorProfile.objects.filter(user=counselor).first()
    profile_initial: dict[str, Any] = {"is_accepting_new_clients": True}
    if profile is not None:
        profile_initial = {
            "credentials": profile.credentials, "title": profile.title, "bio": profile.bio,
            "specialties": list(profile.specialties.all()), "locations": list(profile.locations.all()),
            "sees_online": profile.sees_online, "is_accepting_new_clients": profile.is_accepting_new_clients,
            "on_leave": profile.on_leave,
        }  # fmt: skip
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    profile_form = CounselorProfileForm(request.POST if posted == "profile" else None, initial=profile_initial)
    hours_form = WorkingHoursForm(request.POST if posted == "hours" else None)
    time_off_form = TimeOffForm(request.POST if posted == "time_off" else None)
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
            time_off = get_object_or_404(TimeOff, pk=request.POST.get("time_off"), counselor=counselor)
            services.time_off_remove(actor=actor, time_off=time_off)
            messages.success(request, "The time off is removed.")
            return redirect("counselor_schedule", counselor_id=counselor.pk)
    except ValidationError as exc:
        form = {"profile": profile_form, "hours": hours_form, "time_off": time_off_form}[posted]
        add_errors_to_form(form, exc)
    except PermissionDenied:
        raise Http404 from None
    hours = WorkingHours.objects.filter(counselor=counselor).select_related("location").order_by("location__name")
    hours_by_location: dict[Location, list[tuple[int, time, time]]] = defaultdict(list)
    for row in hours:
        hours_by_location[row.location].append((row.weekday, row.start, row.end))
    context = {
        "counselor": counselor,
        "profile": profile,
        "profile_form": profile_form,
        "hours_form": hours_form,
        "time_off_form": time_off_form,
        "hours": [(place, format_weekly_hours(rows)) for place, rows in hours_by_location.items()],
        "time_off": TimeOff.objects.filter(counselor=counselor, ends_on__gte=timezone.localdate()),
    }
    return render(request, "scheduling/counselor_schedule.html", context, status=400 if posted else 200)


# ---------------------------------------------------------------- calendar (staff)


def _parse_day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _bookable_counselors(user: User) -> QuerySet[User]:
    counselors = User.objects.filter(role=Role.COUNSELOR, is_active=True).exclude(counselor_profile__on_leave=True)
    if user.role == Role.COUNSELOR:
        return counselors.filter(pk=user.pk)
    return counselors.order_by("full_name")


def calendar_view(request: HttpRequest) -> HttpResponse:
    """Day or week of appointments for a counselor or a location, in the viewer's time zone."""
    user = _staff_only(request)
    view = "day" if request.GET.get("view") == "day" else "week"
    anchor = _parse_day(request.GET.get("date"))
    first = anchor if view == "day" else anchor - timedelta(days=anchor.weekday())
    days = [first + timedelta(days=n) for n in range(1 if view == "day" else 7)]
    tz = timezone.get_current_timezone()
    span_start = datetime.combine(days[0], time.min, tzinfo=tz).astimezone(UTC)
    span_end = datetime.combine(days[-1] + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)

    counselors = list(_bookable_counselors(user))
    locations = list(selectors.locations_active())
    location = next((place for place in locations if place.slug == request.GET.get("location")), None)
    counselor = next((c for c in counselors if str(c.pk) == request.GET.get("counselor")), None)
    if location is None and counselor is None and user.role == Role.COUNSELOR:
        counselor = user
    appointments = selectors.appointments_visible_to(user).filter(start__lt=span_end, end__gt=span_start)
    if counselor is not None:
        appointments = appointments.filter(counselor=counselor)
    if location is not None:
        appointments = appointments.filter(location=location)
    by_day: dict[date, list[Appointment]] = defaultdict(list)
    for appointment in appointments:
        by_day[timezone.localtime(appointment.start).date()].append(appointment)
    step = timedelta(days=1 if view == "day" else 7)
    context = {
        "view": view,
        "days": [(day, by_day.get(day, [])) for day in days],
        "counselors": counselors,
        "locations": locations,
        "counselor": counselor,
        "location": location,
        "anchor": anchor,
        "previous": anchor - step,
        "next": anchor + step,
        "today": timezone.localdate(),
        "tz_name": str(tz),
    }
    return render(request, "scheduling/calendar.html", context)


# ---------------------------------------------------------------- appointments


def appointment_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    now = timezone.now()
    visible = selectors.appointments_visible_to(user)
    upcoming = visible.filter(end__gte=now).exclude(status=AppointmentStatus.CANCELLED)
    recent = visible.filter(Q(end__lt=now) | Q(status=AppointmentStatus.CANCELLED)).order_by("-start")[:20]
    requests = visible.filter(status=AppointmentStatus.REQUESTED, start__gte=now) if user.role != Role.CLIENT else []
    context = {
        "upcoming": upcoming,
        "recent": recent,
        "requests": requests,
        "is_staff": user.role in policy.STAFF_ROLES,
        "may_request": user.role == Role.CLIENT and PracticeSettings.load().clients_may_request,
    }
    return render(request, "scheduling/appointment_list.html", context)


def appointment_detail(request: HttpRequest, appointment_id: int) -> HttpResponse:
    user = _user(request)
    appointment = selectors.appointment_for(user, appointment_id)
    is_staff = policy.can_see_staff_note(user, appointment)
    local = appointment.local_start()
    context = {
        "appointment": appointment,
        "is_staff": is_staff,
        "can_manage": policy.can_manage_appointment(user, appointment),
        "can_cancel": policy.can_cancel_appointment(user, appointment) and appointment.is_blocking,
        "changes": appointment.changes.select_related("actor") if is_staff else [],
        "reschedule_form": RescheduleForm(initial={"day": local.date(), "start_time": local.time()}),
        "reason_form": ReasonForm(),
    }
    return render(request, "scheduling/appointment_detail.html", context)


@require_POST
def appointment_action(request: HttpRequest, appointment_id: int, action: str) -> HttpResponse:
    """Reschedule, cancel, confirm or decline, each with its reason where one is needed."""
    user = _user(request)
    appointment = selectors.appointment_for(user, appointment_id)
    try:
        if action == "confirm":
            services.appointment_confirm(actor=user, appointment=appointment)
            messages.success(request, "The appointment is confirmed; the couple will be told.")
        elif action in ("cancel", "decline"):
            form = ReasonForm(request.POST)
            reason = form.data.get("reason", "")
            if action == "cancel":
                appointment = services.appointment_cancel(actor=user, appointment=appointment, reason=reason)
                late = " It is a late cancellation." if appointment.late_cancellation else ""
                messages.success(request, f"The appointment is cancelled.{late}")
            else:
                services.appointment_decline(actor=user, appointment=appointment, reason=reason)
                messages.success(request, "The request is declined; the couple will be told why.")
        elif action == "reschedule":
            reschedule_form = RescheduleForm(request.POST)
            if not reschedule_form.is_valid():
                for errors in reschedule_form.errors.values():
                    messages.error(request, " ".join(str(error) for error in errors))
                return redirect("appointment_detail", appointment_id=appointment.pk)
            data = reschedule_form.cleaned_data
            start = datetime.combine(data["day"], data["start_time"], tzinfo=appointment.location.tz)
            services.appointment_reschedule(
                actor=user, appointment=appointment, start=start, reason=data["reason"],
                override_hours_reason=data["override_hours_reason"],
            )  # fmt: skip
            messages.success(request, "The appointment is moved.")
        else:
            raise Http404
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except services.AppointmentConflict as exc:
        messages.error(request, exc.message)
    return redirect("appointment_detail", appointment_id=appointment.pk)


def appointment_ics(request: HttpRequest, appointment_id: int) -> HttpResponse:
    user = _user(request)
    appointment = selectors.appointment_for(user, appointment_id)
    body = ical.calendar_bytes([appointment], viewer=user, name=str(appointment.get_kind_display()))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.pk}.ics"'
    return response


def _booking_choices(user: User) -> dict[str, Any]:
    couples = policy.couples_visible_to(user).filter(status=CoupleStatus.ACTIVE).order_by("partner_one__full_name")
    clients = User.objects.filter(
        Q(couples_as_partner_one__in=couples) | Q(couples_as_partner_two__in=couples)
    ).distinct()
    return {"counselors": _bookable_counselors(user), "couples": couples, "clients": clients}


def _slot_days(found: list[slots.Slot], tz: Any = None) -> list[tuple[date, list[slots.Slot]]]:
    """Slots by day: the location's day, or the day in `tz` (a client's own time zone)."""
    by_day: dict[date, list[slots.Slot]] = defaultdict(list)
    for slot in found:
        by_day[(slot.start.astimezone(tz) if tz else slot.start).date()].append(slot)
    return sorted(by_day.items())


SlotDay = tuple[date, str, bool, list[tuple[slots.Slot, Location]]]


def _folded_slot_days(found: list[slots.Slot], locations: dict[int, Location], tz: Any = None) -> list[SlotDay]:
    """One folded section a day, so two weeks of times stay usable on a phone:
    (day, its office names, whether it has several, [(slot, office)])."""
    folded = []
    for day, day_slots in _slot_days(found, tz):
        places = sorted({locations[slot.location_id].name for slot in day_slots})
        rows = [(slot, locations[slot.location_id]) for slot in day_slots]
        folded.append((day, " and ".join(places), len(places) > 1, rows))
    return folded


def appointment_book(request: HttpRequest) -> HttpResponse:
    """Search a counselor's free times at a location, then book one (admins may override the hours)."""
    user = _staff_only(request)
    choices = _booking_choices(user)
    source = request.GET if request.method == "GET" else request.POST
    initial = {"week_of": timezone.localdate(), "duration_minutes": PracticeSettings.load().default_duration_minutes}
    if user.role == Role.COUNSELOR:
        initial["counselor"] = user.pk
    search = SlotSearchForm(source if "location" in source else None, counselors=choices["counselors"], initial=initial)
    found: list[slots.Slot] = []
    if search.is_valid():
        week_of = search.cleaned_data["week_of"]
        found = slots.free_slots(
            counselor=search.cleaned_data["counselor"], location=search.cleaned_data["location"],
            date_from=week_of, date_to=week_of + timedelta(days=6),
            duration=timedelta(minutes=search.cleaned_data["duration_minutes"]),
        )  # fmt: skip
    form = BookingForm(request.POST or None, initial=search.data if search.is_bound else None, **choices)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                appointment = services.appointment_book(
                    actor=user, counselor=data["counselor"], location=data["location"], start=data["slot"],
                    duration_minutes=data["duration_minutes"], kind=data["kind"], couple=data["couple"],
                    individual_client=data["individual_client"], intake_names=data["intake_names"],
                    intake_email=data["intake_email"], telehealth_url=data["telehealth_url"],
                    staff_note=data["staff_note"], override_hours_reason=data["override_hours_reason"],
                )  # fmt: skip
            except ValidationError as exc:
                add_errors_to_form(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            except services.AppointmentConflict as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                messages.success(request, "The appointment is booked.")
                return redirect("appointment_detail", appointment_id=appointment.pk)
    chosen = search.cleaned_data if search.is_valid() else getattr(form, "cleaned_data", {})
    context = {
        "search": search,
        "form": form,
        "chosen": chosen,
        "slot_days": _slot_days(found),
        "searched": search.is_valid() or form.is_bound,
        "can_override": policy.can_override_hours(user),
    }
    return render(request, "scheduling/appointment_book.html", context, status=status)


def appointment_series(request: HttpRequest) -> HttpResponse:
    """Weekly or every-other-week sessions; taken dates are listed and nothing is saved."""
    user = _staff_only(request)
    choices = _booking_choices(user)
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
                    actor=user, counselor=data["counselor"], location=location,
                    first_start=datetime.combine(data["first_day"], data["start_time"], tzinfo=location.tz),
                    interval_weeks=data["interval_weeks"], count=data["count"], until=data["until"],
                    duration_minutes=data["duration_minutes"], couple=data["couple"],
                )  # fmt: skip
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


def _client_couple(user: User) -> Couple | None:
    return policy.couples_visible_to(user).filter(status=CoupleStatus.ACTIVE).first()


def appointment_request(request: HttpRequest) -> HttpResponse:
    """A client sees their counselor's free times for two weeks and asks for one."""
    user = _user(request)
    if user.role != Role.CLIENT:
        raise Http404
    couple = _client_couple(user)
    may_request = PracticeSettings.load().clients_may_request and couple is not None
    form = RequestSlotForm(request.POST or None)
    if request.method == "POST":
        if not may_request:
            raise Http404
        assert couple is not None
        if form.is_valid():
            try:
                appointment = services.appointment_request(
                    actor=user, counselor=couple.primary_counselor, location=form.cleaned_data["location"],
                    start=form.cleaned_data["slot"], note=form.cleaned_data["note"],
                )  # fmt: skip
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
    found: list[slots.Slot] = []
    locations: dict[int, Location] = {}
    if may_request:
        assert couple is not None
        start = _parse_day(request.GET.get("from"))
        start = max(start, timezone.localdate())
        found = slots.free_slots(
            counselor=couple.primary_counselor, date_from=start, date_to=start + timedelta(days=13), couple=couple
        )
        locations = {place.pk: place for place in Location.objects.filter(pk__in={s.location_id for s in found})}
    # Shown in the client's own time zone (the middleware activates it), each
    # office's zone stated beside it: a couple in New York booking Edmonds.
    viewer_tz = timezone.get_current_timezone()
    context = {
        "couple": couple,
        "may_request": may_request,
        "viewer_tz": str(viewer_tz),
        "offices": sorted(locations.values(), key=lambda place: place.name),
        "slot_days": _folded_slot_days(found, locations, viewer_tz),
    }
    return render(request, "scheduling/appointment_request.html", context)


# ---------------------------------------------------------------- intake requests (admins)


def intake_list(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    intakes = IntakeRequest.objects.select_related("counselor", "preferred_location", "specialty")
    status = request.GET.get("status", IntakeStatus.NEW)
    if status in IntakeStatus.values:
        intakes = intakes.filter(status=status)
    context = {"intakes": intakes, "status": status, "statuses": IntakeStatus.choices}
    return render(request, "scheduling/intake_list.html", context)


def _intake(intake_id: int) -> IntakeRequest:
    return get_object_or_404(
        IntakeRequest.objects.select_related("counselor", "preferred_location", "specialty", "couple"), pk=intake_id
    )


def _intake_appointments(intake: IntakeRequest) -> list[Appointment]:
    return list(intake.appointments.select_related("counselor", "location").order_by("start"))


def _invite_form(actor: User, intake: IntakeRequest, data: Any = None) -> InviteCoupleForm:
    """The couple-invitation form, filled in from the request and its intake appointment."""
    held = [a for a in _intake_appointments(intake) if a.status != AppointmentStatus.CANCELLED]
    counselor_id = held[-1].counselor_id if held else intake.counselor_id
    time_zone = held[-1].location.time_zone if held else settings.PRACTICE_TIME_ZONE
    initial = {**services.intake_partner_guess(intake), "primary_counselor": counselor_id}
    return InviteCoupleForm(
        data,
        counselors=policy.counselors_assignable_by(actor),
        default_time_zone=time_zone,
        initial=initial,
    )


def _render_intake(
    request: HttpRequest,
    intake: IntakeRequest,
    *,
    form: BookingForm,
    invite_form: InviteCoupleForm,
    status: int = 200,
) -> HttpResponse:
    found: list[slots.Slot] = []
    if intake.counselor_id and intake.status == IntakeStatus.NEW:
        today = timezone.localdate()
        found = slots.free_slots(
            counselor=intake.counselor, location=intake.preferred_location, date_from=today,
            date_to=today + timedelta(days=13),
        )  # fmt: skip
    locations = {place.pk: place for place in Location.objects.filter(pk__in={s.location_id for s in found})}
    context = {
        "intake": intake,
        "form": form,
        "invite_form": invite_form,
        "appointments": _intake_appointments(intake),
        "slot_days": _folded_slot_days(found, locations),
    }
    return render(request, "scheduling/intake_detail.html", context, status=status)


def _intake_booking_form(actor: User, intake: IntakeRequest, data: Any = None) -> BookingForm:
    initial = {
        "kind": "intake",
        "counselor": intake.counselor_id,
        "location": intake.preferred_location_id,
        "duration_minutes": PracticeSettings.load().default_duration_minutes,
    }
    return BookingForm(data, initial=initial, **_booking_choices(actor))


def intake_detail(request: HttpRequest, intake_id: int) -> HttpResponse:
    """One request, and the form that turns it into an intake appointment."""
    actor = _admin_only(request)
    intake = _intake(intake_id)
    posted = request.POST.copy() if request.method == "POST" else None
    choice = str(posted.get("slot_choice", "")) if posted is not None else ""
    if posted is not None and choice:
        # A free time carries its counselor and office: "<counselor id>|<location id>|<start>".
        posted["counselor"], posted["location"], posted["slot"] = [*choice.split("|", 2), "", ""][:3]
    form = _intake_booking_form(actor, intake, posted)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                appointment = services.intake_request_schedule(
                    actor=actor, intake=intake, counselor=data["counselor"], location=data["location"],
                    start=data["slot"], duration_minutes=data["duration_minutes"],
                    override_hours_reason=data["override_hours_reason"],
                )  # fmt: skip
            except ValidationError as exc:
                add_errors_to_form(form, exc)
            except services.AppointmentConflict as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                messages.success(request, f"The intake with {intake.names} is booked.")
                return redirect("appointment_detail", appointment_id=appointment.pk)
    return _render_intake(request, intake, form=form, invite_form=_invite_form(actor, intake), status=status)


@require_POST
def intake_invite_couple(request: HttpRequest, intake_id: int) -> HttpResponse:
    """After the intake: make the couple and send both partners their invitations."""
    actor = _admin_only(request)
    intake = _intake(intake_id)
    invite_form = _invite_form(actor, intake, request.POST)
    if invite_form.is_valid():
        data = invite_form.cleaned_data
        try:
            couple = services.intake_request_invite_couple(
                actor=actor, intake=intake,
                partner_one=PartnerDetails(data["partner_one_name"], data["partner_one_email"]),
                partner_two=PartnerDetails(data["partner_two_name"], data["partner_two_email"]),
                primary_counselor=data["primary_counselor"], time_zone=data["time_zone"],
            )  # fmt: skip
        except ValidationError as exc:
            add_errors_to_form(invite_form, exc)
        else:
            messages.success(request, f"Invitations are on their way to {couple.display_name}.")
            return redirect("couple_detail", couple_id=couple.pk)
    form = _intake_booking_form(actor, intake)
    return _render_intake(request, intake, form=form, invite_form=invite_form, status=400)


# ---------------------------------------------------------------- calendar feeds


def feed_settings(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "enable":
            services.calendar_feed_enable(user=user)
            messages.success(request, "Your calendar feed is on. Add its address to your calendar app.")
        elif action == "regenerate":
            services.calendar_feed_regenerate(user=user)
            messages.success(request, "Your feed has a new address; the old one no longer works.")
        elif action == "revoke":
            services.calendar_feed_revoke(user=user)
            messages.success(request, "Your calendar feed is turned off.")
        return redirect("feed_settings")
    feed = CalendarFeed.objects.filter(user=user).first()
    feed_url = request.build_absolute_uri(reverse("calendar_feed", args=[feed.token])) if feed else ""
    location_feeds = []
    if feed is not None and policy.is_practice_admin(user):
        location_feeds = [
            (place, request.build_absolute_uri(reverse("location_feed", args=[feed.token, place.slug])))
            for place in selectors.locations_active()
        ]
    context = {"feed": feed, "feed_url": feed_url, "location_feeds": location_feeds}
    return render(request, "scheduling/feed_settings.html", context)


FEED_PAST_DAYS = 90


def _feed_owner(token: str) -> User:
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    return feed.user


def _feed_response(
    appointments: QuerySet[Appointment], *, viewer: User, name: str, with_exercises: bool = False
) -> HttpResponse:
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    exercises_due = selectors.exercises_due_for_feed(viewer, since=since) if with_exercises else []
    body = ical.calendar_bytes(
        appointments.filter(end__gte=since), viewer=viewer, name=name, exercises_due=exercises_due
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The owner's appointments (a counselor's own, a client's couple's, an admin's booked) and a client's exercises."""
    owner = _feed_owner(token)
    appointments = selectors.appointments_visible_to(owner)
    if owner.role == Role.PRACTICE_ADMIN:
        # The front desk subscribes per location (below); their own feed has what they booked.
        appointments = appointments.filter(created_by=owner)
    # A client's feed also has their exercise due dates (titles only).
    return _feed_response(appointments, viewer=owner, name="Appointments", with_exercises=True)


@login_not_required
def location_feed(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    owner = _feed_owner(token)
    if not policy.is_practice_admin(owner):
        raise Http404
    location = get_object_or_404(Location, slug=slug)
    appointments = selectors.appointments_visible_to(owner).filter(location=location)
    return _feed_response(appointments, viewer=owner, name=f"Appointments at {location.name}")
