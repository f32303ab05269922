"""Making appointments from the pages: staff search a counselor's free times and
book one, or book a weekly series; a client asks for one of their
counselor's free times."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from accounts.models import Couple, User
from portal import policy
from portal.errors import add_errors_to_form
from portal.http import AuthenticatedHttpRequest
from scheduling import selectors, services, slots
from scheduling.forms import BookingConfirmForm, BookingWhenForm, RequestSlotForm, SeriesForm
from scheduling.models import AppointmentKind, AppointmentStatus, Location, PracticeSettings
from scheduling.views.common import folded_slot_days, parse_day, slot_days, staff_only

# ---------------------------------------------------------------- booking in three steps
#
# Who, when, confirm, all on one URL. Each step carries what was chosen in its
# query string (GET) or hidden fields (the final POST), so there is no session
# state and a link can start at any step: the calendar's empty cells link with
# counselor, location and start, and only "who" is asked before the summary.
# Every id is looked up in the viewer's scope: out of scope is a 404.

CARRIED = ("who", "intake_names", "intake_email", "counselor", "location", "week", "duration_minutes", "start")


@dataclass
class Chosen:
    """What the steps chose so far; None where not chosen yet."""

    kind: str | None = None
    couple: Couple | None = None
    client: User | None = None
    intake_names: str = ""
    intake_email: str = ""
    counselor: User | None = None
    location: Location | None = None
    week: date | None = None
    duration_minutes: int = 50
    start: datetime | None = None
    problems: list[str] = field(default_factory=list)  # what the viewer must change, in plain words
    rejected_start: datetime | None = None  # the time a booking was refused for (an admin may override)

    @property
    def who_label(self) -> str:
        if self.kind == AppointmentKind.INTAKE:
            return gettext("Intake: %(names)s") % {"names": self.intake_names}
        if self.client is not None:
            return gettext("%(name)s (one partner)") % {"name": self.client.full_name}
        return self.couple.display_name if self.couple else ""


def _scoped(queryset: Any, value: str | None) -> Any:
    """The row named by an id from the request, within the viewer's scope; else 404."""
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    found = queryset.filter(pk=int(value)).first()
    if found is None:
        raise Http404
    return found


def _chosen(user: User, source: Any, choices: dict[str, Any]) -> Chosen:
    chosen = Chosen(duration_minutes=PracticeSettings.load().default_duration_minutes)
    who = source.get("who", "")
    kind, _, who_id = who.partition("-")
    if who == "intake":
        chosen.kind = AppointmentKind.INTAKE
        chosen.intake_names = source.get("intake_names", "").strip()[:200]
        chosen.intake_email = source.get("intake_email", "").strip()[:254]
    elif kind == "couple":
        chosen.kind, chosen.couple = (
            AppointmentKind.COUPLE_SESSION,
            _scoped(choices["couples"].select_related("partner_one", "partner_two"), who_id),
        )
    elif kind == "partner":
        chosen.client = _scoped(choices["clients"], who_id)
        chosen.kind = AppointmentKind.INDIVIDUAL_SESSION
        chosen.couple = choices["couples"].filter(Q(partner_one=chosen.client) | Q(partner_two=chosen.client)).first()
    elif who:
        raise Http404
    chosen.counselor = _scoped(choices["counselors"], source.get("counselor"))
    if chosen.counselor is None and policy.has_own_schedule(user):
        chosen.counselor = user
    chosen.location = _scoped(selectors.locations_active(), source.get("location"))
    duration = source.get("duration_minutes", "")
    if duration.isdigit() and 10 <= int(duration) <= 240:
        chosen.duration_minutes = int(duration)
    chosen.week = _parsed_day(source.get("week"))
    chosen.start = _parsed_start(chosen, source)
    return chosen


def _parsed_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _parsed_start(chosen: Chosen, source: Any) -> datetime | None:
    """`start` in UTC ISO 8601 (a slot button, the calendar's link), or an
    admin's own day and time in the office's zone."""
    value = source.get("start", "")
    if value:
        try:
            start = datetime.fromisoformat(value)
        except ValueError:
            start = None
        if start is None or timezone.is_naive(start):
            chosen.problems.append(gettext("The time in that link could not be read. Pick a time below."))
            return None
        return start.astimezone(UTC)
    day, clock = _parsed_day(source.get("day")), source.get("time", "")
    if day and clock and chosen.location is not None:
        try:
            return datetime.combine(day, time.fromisoformat(clock), tzinfo=chosen.location.tz).astimezone(UTC)
        except ValueError:
            chosen.problems.append(gettext("That start time could not be read. Write it like 09:30."))
    return None


def _utc_param(moment: datetime) -> str:
    """A time as the links carry it: UTC ISO 8601, like 2026-12-07T17:00:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _carry(chosen: Chosen, *, without: tuple[str, ...] = (), **changes: Any) -> list[tuple[str, str]]:
    """The choices as (name, value) pairs: hidden fields, or a query string."""
    who = ""
    if chosen.kind == AppointmentKind.INTAKE:
        who = "intake"
    elif chosen.client is not None:
        who = f"partner-{chosen.client.pk}"
    elif chosen.couple is not None:
        who = f"couple-{chosen.couple.pk}"
    values = {
        "who": who,
        "intake_names": chosen.intake_names if who == "intake" else "",
        "intake_email": chosen.intake_email if who == "intake" else "",
        "counselor": str(chosen.counselor.pk) if chosen.counselor else "",
        "location": str(chosen.location.pk) if chosen.location else "",
        "week": chosen.week.isoformat() if chosen.week else "",
        "duration_minutes": str(chosen.duration_minutes),
        "start": _utc_param(chosen.start) if chosen.start else "",
    }
    values.update({name: str(value) for name, value in changes.items()})
    return [(name, values[name]) for name in CARRIED if values[name] and name not in without]


def _who_step(request: AuthenticatedHttpRequest, chosen: Chosen, choices: dict[str, Any]) -> HttpResponse:
    couples = list(choices["couples"].select_related("partner_one", "partner_two"))
    partners = sorted(
        {p for c in couples for p in c.partners if p is not None}, key=lambda p: (p.full_name.casefold(), p.pk)
    )
    context = {
        "step": 1,
        "chosen": chosen,
        "couples": couples,
        "partners": partners,
        "carry": _carry(chosen, without=("who", "intake_names", "intake_email")),
    }
    return render(request, "scheduling/appointment_book.html", context, status=400 if chosen.problems else 200)


def _when_step(
    request: AuthenticatedHttpRequest, user: User, chosen: Chosen, choices: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    week = max(chosen.week or today, today)
    found: list[slots.Slot] = []
    if chosen.counselor is not None and chosen.location is not None:
        found = slots.free_slots(
            counselor=chosen.counselor,
            location=chosen.location,
            date_from=week,
            date_to=week + timedelta(days=6),
            duration=timedelta(minutes=chosen.duration_minutes),
        )
    viewer_tz = timezone.get_current_timezone()
    initial = {
        "counselor": chosen.counselor.pk if chosen.counselor else None,
        "location": chosen.location.pk if chosen.location else None,
        "week": week,
        "duration_minutes": chosen.duration_minutes,
    }
    search = BookingWhenForm(initial=initial, counselors=choices["counselors"], locations=selectors.locations_active())
    base = _carry(chosen, without=("start",), week=week.isoformat())
    context = {
        "step": 2,
        "chosen": chosen,
        "search": search,
        "who_carry": _carry(chosen, without=("counselor", "location", "week", "duration_minutes", "start")),
        "slot_query": urlencode(base),
        "slot_days": [
            (day, [(s.start, _utc_param(s.start)) for s in day_slots]) for day, day_slots in slot_days(found, viewer_tz)
        ],
        "rejected_start": _utc_param(chosen.rejected_start) if chosen.rejected_start else "",
        "week": week,
        "week_end": week + timedelta(days=6),
        "previous_week": urlencode(_carry(chosen, without=("start",), week=week - timedelta(days=7)))
        if week > today
        else "",
        "next_week": urlencode(_carry(chosen, without=("start",), week=week + timedelta(days=7))),
        "viewer_tz": str(viewer_tz),
        "can_override": policy.can_override_hours(user),
        "carry_all": _carry(chosen),
        "back_to_who": urlencode(_carry(chosen, without=("start",))),
        "series_query": urlencode(
            {
                "counselor": chosen.counselor.pk if chosen.counselor else "",
                "location": chosen.location.pk if chosen.location else "",
                "couple": chosen.couple.pk if chosen.couple and chosen.client is None else "",
                "first_day": week.isoformat(),
            }
        ),
    }
    return render(request, "scheduling/appointment_book.html", context, status=status)


def _confirm_step(
    request: AuthenticatedHttpRequest, user: User, chosen: Chosen, form: BookingConfirmForm, *, status: int = 200
) -> HttpResponse:
    assert chosen.start is not None
    context = {
        "step": 3,
        "chosen": chosen,
        "form": form,
        "carry": _carry(chosen),
        "end": chosen.start + timedelta(minutes=chosen.duration_minutes),
        "viewer_tz": str(timezone.get_current_timezone()),
        "can_override": policy.can_override_hours(user),
        "change_time": urlencode(_carry(chosen, without=("start",))),
        "change_who": urlencode(_carry(chosen, without=("who", "intake_names", "intake_email"))),
    }
    return render(request, "scheduling/appointment_book.html", context, status=status)


def _clash_words(exc: services.AppointmentConflict) -> list[str]:
    """ "Grace Holt has another session at 10:00 on Tue 8 Dec; pick another time." in the viewer's zone."""
    if not exc.conflicts:
        return [gettext("%(problem)s Pick another time.") % {"problem": exc.message}]
    text = gettext("%(person)s has another session at %(time)s on %(day)s; pick another time.")
    starts = [(conflict.person, timezone.localtime(conflict.start)) for conflict in exc.conflicts]
    return [text % {"person": who, "time": f"{at:%H:%M}", "day": date_format(at, "D j M")} for who, at in starts]


def appointment_book(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Book one appointment in three steps: who, when (a week of free times), confirm."""
    user = staff_only(request)
    choices = selectors.booking_choices(user)
    source = request.POST if request.method == "POST" else request.GET
    chosen = _chosen(user, source, choices)
    if chosen.kind is None or (chosen.kind == AppointmentKind.INTAKE and not chosen.intake_names):
        if chosen.kind is None and source.get("step") == "who":
            chosen.problems.append(gettext("Choose who the appointment is for."))
        if chosen.kind == AppointmentKind.INTAKE:
            chosen.problems.append(gettext("Enter the names of the people coming to the intake."))
        return _who_step(request, chosen, choices)
    if chosen.counselor is None or chosen.location is None or chosen.start is None:
        return _when_step(request, user, chosen, choices, status=400 if chosen.problems else 200)
    form = BookingConfirmForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return _confirm_step(request, user, chosen, form)
    if not form.is_valid():
        return _confirm_step(request, user, chosen, form, status=400)
    data = form.cleaned_data
    try:
        appointment = services.appointment_book(
            actor=user,
            counselor=chosen.counselor,
            location=chosen.location,
            start=chosen.start,
            duration_minutes=chosen.duration_minutes,
            kind=chosen.kind,
            couple=chosen.couple,
            individual_client=chosen.client,
            intake_names=chosen.intake_names,
            intake_email=chosen.intake_email,
            telehealth_url=data["telehealth_url"],
            staff_note=data["staff_note"],
            override_hours_reason=data["override_hours_reason"] if policy.can_override_hours(user) else "",
        )
    except services.AppointmentConflict as exc:
        chosen.problems += _clash_words(exc)
        return _when_step(request, user, _week_of_start(chosen), choices, status=409)
    except ValidationError as exc:
        on_form = {name: errors for name, errors in exc.message_dict.items() if name in form.fields}
        if on_form and len(on_form) == len(exc.message_dict):
            add_errors_to_form(form, exc)
            return _confirm_step(request, user, chosen, form, status=400)
        again = gettext("%(problem)s Pick another time, or change the choices above.")
        chosen.problems += [again % {"problem": text} for text in exc.messages]
        may_override = policy.can_override_hours(user) and "start" in exc.message_dict
        return _when_step(request, user, _week_of_start(chosen, may_override=may_override), choices, status=400)
    except PermissionDenied as exc:
        chosen.problems.append(str(exc))
        return _when_step(request, user, _week_of_start(chosen), choices, status=403)
    if appointment.status == AppointmentStatus.REQUESTED:
        messages.warning(
            request,
            gettext(
                "The time is held for the couple, as requested: it is their first session and "
                "their intake paperwork is not complete. Confirm it here once they have signed."
            ),
        )
    else:
        messages.success(request, gettext("The appointment is booked."))
    return redirect("appointment_detail", appointment_id=appointment.pk)


def _week_of_start(chosen: Chosen, *, may_override: bool = False) -> Chosen:
    """After a refused booking: the free times of the week of the time asked for, none chosen."""
    assert chosen.start is not None and chosen.location is not None
    day = chosen.start.astimezone(chosen.location.tz).date()
    if chosen.week is None or not chosen.week <= day <= chosen.week + timedelta(days=6):
        chosen.week = day
    chosen.rejected_start = chosen.start if may_override else None
    chosen.start = None
    return chosen


def appointment_series(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Weekly or every-other-week sessions; taken dates are listed and nothing is saved."""
    user = staff_only(request)
    choices = selectors.booking_choices(user)
    # The booking steps link here with what they have chosen so far; a
    # value out of the viewer's scope simply selects nothing.
    initial = {
        name: request.GET[name] for name in ("counselor", "location", "couple", "first_day") if name in request.GET
    }
    form = SeriesForm(
        request.POST or None, initial=initial, counselors=choices["counselors"], couples=choices["couples"]
    )
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
                booked = ngettext("%(count)s session is booked.", "%(count)s sessions are booked.", count)
                messages.success(request, booked % {"count": count})
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
                messages.success(request, gettext("Your request is sent. Your counselor will confirm it soon."))
                return redirect("appointment_detail", appointment_id=appointment.pk)
        else:
            messages.error(request, gettext("Choose one of the free times."))
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
