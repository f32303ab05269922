"""New clients' intake requests, for practice admins: the list, one request with
the form that books its intake appointment (from its counselor's free
times), and, after the intake, inviting the couple."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.forms import InviteCoupleForm
from accounts.models import User
from accounts.services import PartnerDetails
from portal import paging, policy
from portal.errors import add_errors_to_form, submit_form
from portal.http import AuthenticatedHttpRequest
from scheduling import selectors, services, slots
from scheduling.forms import IntakeBookingForm
from scheduling.models import AppointmentStatus, IntakeRequest, IntakeStatus, PracticeSettings
from scheduling.views.common import admin_only, folded_slot_days


def intake_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    admin_only(request)
    status = request.GET.get("status", IntakeStatus.NEW)
    intakes = paging.page_of(selectors.intake_requests(status), request.GET)
    context = {"intakes": intakes, "status": status, "statuses": IntakeStatus.choices}
    return render(request, "scheduling/intake_list.html", context)


def _invite_form(actor: User, intake: IntakeRequest, data: Any = None) -> InviteCoupleForm:
    """The couple-invitation form, filled in from the request and its intake appointment."""
    held = [a for a in selectors.intake_appointments(intake) if a.status != AppointmentStatus.CANCELLED]
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
    request: AuthenticatedHttpRequest,
    intake: IntakeRequest,
    *,
    form: IntakeBookingForm,
    invite_form: InviteCoupleForm,
    status: int = 200,
) -> HttpResponse:
    found: list[slots.Slot] = []
    if intake.counselor_id and intake.status == IntakeStatus.NEW:
        today = timezone.localdate()
        found = slots.free_slots(
            counselor=intake.counselor,
            location=intake.preferred_location,
            date_from=today,
            date_to=today + timedelta(days=13),
        )
    locations = selectors.locations_by_pk(s.location_id for s in found)
    context = {
        "intake": intake,
        "form": form,
        "invite_form": invite_form,
        "appointments": selectors.intake_appointments(intake),
        "slot_days": folded_slot_days(found, locations),
    }
    return render(request, "scheduling/intake_detail.html", context, status=status)


def _intake_booking_form(actor: User, intake: IntakeRequest, data: Any = None) -> IntakeBookingForm:
    initial = {
        "kind": "intake",
        "counselor": intake.counselor_id,
        "location": intake.preferred_location_id,
        "duration_minutes": PracticeSettings.load().default_duration_minutes,
    }
    return IntakeBookingForm(data, initial=initial, **selectors.booking_choices(actor))


def intake_detail(request: AuthenticatedHttpRequest, intake_id: int) -> HttpResponse:
    """One request, and the form that turns it into an intake appointment."""
    actor = admin_only(request)
    intake = selectors.intake_request(intake_id)
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
                    actor=actor,
                    intake=intake,
                    counselor=data["counselor"],
                    location=data["location"],
                    start=data["slot"],
                    duration_minutes=data["duration_minutes"],
                    override_hours_reason=data["override_hours_reason"],
                )
            except ValidationError as exc:
                add_errors_to_form(form, exc)
            except services.AppointmentConflict as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                messages.success(request, gettext("The intake with %(names)s is booked.") % {"names": intake.names})
                return redirect("appointment_detail", appointment_id=appointment.pk)
    return _render_intake(request, intake, form=form, invite_form=_invite_form(actor, intake), status=status)


@require_POST
def intake_invite_couple(request: AuthenticatedHttpRequest, intake_id: int) -> HttpResponse:
    """After the intake: make the couple and send both partners their invitations."""
    actor = admin_only(request)
    intake = selectors.intake_request(intake_id)
    invite_form = _invite_form(actor, intake, request.POST)
    if invite_form.is_valid():
        data = invite_form.cleaned_data
        couple = submit_form(
            invite_form,
            lambda: services.intake_request_invite_couple(
                actor=actor,
                intake=intake,
                partner_one=PartnerDetails(data["partner_one_name"], data["partner_one_email"]),
                partner_two=PartnerDetails(data["partner_two_name"], data["partner_two_email"]),
                primary_counselor=data["primary_counselor"],
                time_zone=data["time_zone"],
            ),
        )
        if couple is not None:
            sent = gettext("Invitations are on their way to %(couple)s.")
            messages.success(request, sent % {"couple": couple.display_name})
            return redirect("couple_detail", couple_id=couple.pk)
    form = _intake_booking_form(actor, intake)
    return _render_intake(request, intake, form=form, invite_form=invite_form, status=400)
