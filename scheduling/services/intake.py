"""New clients' intake requests: the public form's request, booking the intake
appointment, and turning the prospective clients into an invited couple.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from accounts.models import AuditAction, Couple, User
from accounts.services import PartnerDetails, audit_record
from accounts.services import couple_invite as accounts_couple_invite
from portal import policy
from portal.errors import require
from scheduling import signals
from scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    IntakeRequest,
    IntakeStatus,
    Location,
    Specialty,
)
from scheduling.services.availability import _profile_on_leave
from scheduling.services.booking import appointment_book


@transaction.atomic
def intake_request_create(
    *,
    names: str,
    email: str,
    phone: str = "",
    note: str = "",
    counselor: User | None = None,
    preferred_location: Location | None = None,
    prefers_online: bool = False,
    specialty: Specialty | None = None,
    preferred_times: str = "",
) -> IntakeRequest:
    """A prospective client's request from a public profile (spam checks are the view's)."""
    errors: dict[str, str] = {}
    if not names.strip():
        errors["names"] = gettext("Enter your names.")
    if not email.strip():
        errors["email"] = gettext("Enter an e-mail address we can reply to.")
    if counselor is not None and (
        not policy.has_own_schedule(counselor) or not counselor.is_active or _profile_on_leave(counselor)
    ):
        errors["counselor"] = gettext("This counselor is not taking requests.")
    if preferred_location is not None and not preferred_location.is_active:
        errors["preferred_location"] = gettext("Choose an open location.")
    if errors:
        raise ValidationError(errors)
    intake = IntakeRequest(
        counselor=counselor,
        preferred_location=preferred_location,
        prefers_online=prefers_online,
        specialty=specialty,
        preferred_times=preferred_times.strip(),
        names=names.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
        note=note.strip(),
    )
    intake.full_clean()
    intake.save()
    audit_record(actor=None, action=AuditAction.INTAKE_REQUEST_CREATED, target=intake)
    signals.intake_requested_on_commit(intake)
    return intake


def intake_request_schedule(
    *,
    actor: User,
    intake: IntakeRequest,
    counselor: User,
    location: Location,
    start: datetime,
    duration_minutes: int | None = None,
    override_hours_reason: str = "",
) -> Appointment:
    """Turn a request into an intake appointment (the couple and invitations come later, in accounts)."""
    require(policy.is_practice_admin(actor), gettext("Only practice admins schedule intake requests."))
    if intake.status != IntakeStatus.NEW:
        raise ValidationError({"status": gettext("This request has already been handled.")})
    return appointment_book(
        actor=actor,
        counselor=counselor,
        location=location,
        start=start,
        duration_minutes=duration_minutes,
        kind=AppointmentKind.INTAKE,
        intake_names=intake.names,
        intake_email=intake.email,
        intake_phone=intake.phone,
        intake_request=intake,
        override_hours_reason=override_hours_reason,
    )


def _split_names(names: str) -> tuple[str, str]:
    """A guess at two people in "Jamie and Pat Moore": ("Jamie Moore", "Pat Moore"); one name gives ("…", "")."""
    for separator in (" and ", " & ", " + ", ", "):
        if separator in names:
            first, second = (part.strip() for part in names.split(separator, 1))
            if first and second:
                if " " not in first and " " in second:
                    first = f"{first} {second.rsplit(' ', 1)[1]}"
                return first, second
    return names.strip(), ""


def intake_partner_guess(intake: IntakeRequest) -> dict[str, str]:
    """Initial values for the invitation form: the request's names split in two, its e-mail for the first."""
    first, second = _split_names(intake.names)
    return {"partner_one_name": first, "partner_one_email": intake.email, "partner_two_name": second}


@transaction.atomic
def intake_request_invite_couple(
    *,
    actor: User,
    intake: IntakeRequest,
    partner_one: PartnerDetails,
    partner_two: PartnerDetails,
    primary_counselor: User | None = None,
    time_zone: str | None = None,
) -> Couple:
    """After the intake: the prospective clients become a couple, and each partner gets an invitation.

    The request has one e-mail address; the second partner's name and address
    are asked for (accounts.services.couple_invite refuses a missing or shared
    one, naming the field). The counselor defaults to the intake's. The
    request and its intake appointments are linked to the new couple, which
    then sees its intake among its appointments.
    """
    require(policy.is_practice_admin(actor), gettext("Only practice admins turn requests into couples."))
    intake = IntakeRequest.objects.select_for_update().get(pk=intake.pk)
    if intake.status == IntakeStatus.CONVERTED:
        raise ValidationError({"status": gettext("This request is already a couple; see the couples list.")})
    appointments = list(
        Appointment.objects.filter(intake_request=intake, kind=AppointmentKind.INTAKE)
        .select_related("counselor", "location")
        .order_by("-start")
    )
    held = [a for a in appointments if a.status != AppointmentStatus.CANCELLED]
    if intake.status != IntakeStatus.SCHEDULED or not held:
        raise ValidationError({"status": gettext("Book the intake appointment first; invite the couple after it.")})
    intake_appointment = held[0]
    couple = accounts_couple_invite(
        invited_by=actor,
        partner_one=partner_one,
        partner_two=partner_two,
        primary_counselor=primary_counselor or intake_appointment.counselor,
        time_zone=time_zone or intake_appointment.location.time_zone,
    )
    linked = Appointment.objects.filter(pk__in=[a.pk for a in appointments]).update(couple=couple)
    intake.couple = couple
    intake.status = IntakeStatus.CONVERTED
    intake.handled_by = actor
    intake.save(update_fields=["couple", "status", "handled_by"])
    audit_record(
        actor=actor,
        action=AuditAction.INTAKE_REQUEST_COUPLE_INVITED,
        target=intake,
        couple=couple.pk,
        appointments=sorted(a.pk for a in appointments),
        linked=linked,
    )
    return couple
