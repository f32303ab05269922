"""Appointments in the viewer's scope (staff: theirs to manage; clients: their
couple's): the list, one appointment with its history, the changes made from
it (confirm, decline, cancel, reschedule) and its .ics download.

A practice admin's list is the practice's, so it is a window (two weeks from
a day, today unless another is chosen), optionally one office's or one
counselor's, in pages: never every upcoming appointment of the practice
(120,000 rows at bench/practice_size.py's large size)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from portal import paging, policy
from portal.errors import ServiceConflict
from portal.http import AuthenticatedHttpRequest
from scheduling import ical, selectors, services
from scheduling.forms import ReasonForm, RescheduleForm
from scheduling.models import PracticeSettings
from scheduling.views.common import office_filters, parse_day

WINDOW_DAYS = 14


def appointment_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    if policy.is_practice_admin(user):
        return _practice_appointment_list(request, now)
    context = {
        "upcoming": selectors.appointments_upcoming(user, now),
        "recent": selectors.appointments_recent(user, now),
        "requests": selectors.appointment_requests_waiting(user, now) if policy.sees_staff_side(user) else [],
        "is_staff": policy.can_book_appointments(user),
        "may_request": policy.may_request_appointments(user) and PracticeSettings.load().clients_may_request,
    }
    return render(request, "scheduling/appointment_list.html", context)


def _practice_appointment_list(request: AuthenticatedHttpRequest, now: datetime) -> HttpResponse:
    """The front desk's list: a window of days, one office or counselor if chosen, a page at a time."""
    user = request.user
    day = parse_day(request.GET.get("date"))
    tz = timezone.get_current_timezone()
    window_start = datetime.combine(day, time.min, tzinfo=tz)
    window_end = datetime.combine(day + timedelta(days=WINDOW_DAYS), time.min, tzinfo=tz)
    offices = office_filters(request, default_to_first=False)
    counselor, location = offices.counselor, offices.location
    in_window = selectors.appointments_starting_between(
        user, window_start, window_end, counselor=counselor, location=location
    )
    page = paging.page_of(in_window, request.GET)
    waiting = selectors.appointment_requests_waiting(user, now, counselor=counselor, location=location)
    requests = list(waiting[: paging.PAGE_SIZE + 1])
    context = {
        "page": page,
        "requests": requests[: paging.PAGE_SIZE],
        "more_requests": len(requests) > paging.PAGE_SIZE,
        # The window's cancellations, not "the last twenty over or cancelled": across the
        # practice that read every upcoming appointment (newest first) to find the past ones.
        "cancelled": selectors.appointments_cancelled_between(
            user, window_start, window_end, counselor=counselor, location=location
        )[: paging.PAGE_SIZE],
        "offices": offices,
        "day": day,
        "last_day": day + timedelta(days=WINDOW_DAYS - 1),
        "earlier": day - timedelta(days=WINDOW_DAYS),
        "later": day + timedelta(days=WINDOW_DAYS),
        "today": timezone.localdate(),
        "page_size": paging.PAGE_SIZE,
    }
    return render(request, "scheduling/practice_appointment_list.html", context)


def appointment_detail(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    user = request.user
    appointment = selectors.appointment_for(user, appointment_id)
    is_staff = policy.can_see_staff_note(user, appointment)
    local = appointment.local_start()
    context = {
        "appointment": appointment,
        "is_staff": is_staff,
        "can_manage": policy.can_manage_appointment(user, appointment),
        "can_cancel": policy.can_cancel_appointment(user, appointment) and appointment.is_blocking,
        "changes": selectors.appointment_history(appointment) if is_staff else [],
        "reschedule_form": RescheduleForm(initial={"day": local.date(), "start_time": local.time()}),
        "reason_form": ReasonForm(),
    }
    return render(request, "scheduling/appointment_detail.html", context)


@require_POST
def appointment_action(request: AuthenticatedHttpRequest, appointment_id: int, action: str) -> HttpResponse:
    """Reschedule, cancel, confirm or decline, each with its reason where one is needed."""
    user = request.user
    appointment = selectors.appointment_for(user, appointment_id)
    try:
        if action == "confirm":
            services.appointment_confirm(actor=user, appointment=appointment)
            messages.success(request, gettext("The appointment is confirmed; the couple will be told."))
        elif action in ("cancel", "decline"):
            form = ReasonForm(request.POST)
            # A reason may be left out when cancelling, but what is given must fit its column.
            if not form.is_valid() and form.data.get("reason"):
                messages.error(request, " ".join(str(error) for error in form.errors.get("reason", [])))
                return redirect("appointment_detail", appointment_id=appointment.pk)
            reason = form.cleaned_data.get("reason", "")
            if action == "cancel":
                appointment = services.appointment_cancel(actor=user, appointment=appointment, reason=reason)
                if appointment.late_cancellation:
                    messages.success(request, gettext("The appointment is cancelled. It is a late cancellation."))
                else:
                    messages.success(request, gettext("The appointment is cancelled."))
            else:
                services.appointment_decline(actor=user, appointment=appointment, reason=reason)
                messages.success(request, gettext("The request is declined; the couple will be told why."))
        elif action == "reschedule":
            reschedule_form = RescheduleForm(request.POST)
            if not reschedule_form.is_valid():
                for errors in reschedule_form.errors.values():
                    messages.error(request, " ".join(str(error) for error in errors))
                return redirect("appointment_detail", appointment_id=appointment.pk)
            data = reschedule_form.cleaned_data
            start = datetime.combine(data["day"], data["start_time"], tzinfo=appointment.location.tz)
            services.appointment_reschedule(
                actor=user,
                appointment=appointment,
                start=start,
                reason=data["reason"],
                override_hours_reason=data["override_hours_reason"],
            )
            messages.success(request, gettext("The appointment is moved."))
        else:
            raise Http404
    except PermissionDenied:
        # Visible but not theirs to change: answered like one out of scope.
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ServiceConflict as exc:  # the time is taken, or the first session waits for its paperwork
        messages.error(request, exc.message)
    return redirect("appointment_detail", appointment_id=appointment.pk)


def appointment_ics(request: AuthenticatedHttpRequest, appointment_id: int) -> HttpResponse:
    user = request.user
    appointment = selectors.appointment_for(user, appointment_id)
    body = ical.calendar_bytes([appointment], viewer=user, name=str(appointment.get_kind_display()))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.pk}.ics"'
    return response
