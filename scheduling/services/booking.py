"""Booking one appointment: staff book a confirmed one, a client requests one of
their counselor's free slots. Also what every change shares: saving an
appointment with its participants under the exclusion constraints, and
recording its history (AppointmentChange, AuditEvent, the signal).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext

from accounts.models import OPEN_COUPLE_STATUSES, AuditAction, Couple, CoupleStatus, User
from accounts.services import audit_record
from portal import policy
from portal.errors import require, violated_constraint
from scheduling import signals, slots
from scheduling.models import (
    Appointment,
    AppointmentChange,
    AppointmentKind,
    AppointmentParticipant,
    AppointmentSeries,
    AppointmentStatus,
    ChangeAction,
    IntakeRequest,
    IntakeStatus,
    Location,
    PracticeSettings,
)
from scheduling.services.availability import (
    _aware,
    _conflict_error,
    _duration,
    _find_conflicts,
    _lock_people,
    _validate_when,
)
from scheduling.services.errors import AppointmentConflict

# The exclusion constraints that refuse overlapping appointments
# (scheduling.models.Appointment and AppointmentParticipant).
NO_OVERLAP_CONSTRAINTS = frozenset({"appointment_counselor_no_overlap", "participant_no_overlap"})


def _sync_participants(appointment: Appointment) -> None:
    """Copy the appointment's clients, time and blocking state into AppointmentParticipant."""
    AppointmentParticipant.objects.filter(appointment=appointment).delete()
    AppointmentParticipant.objects.bulk_create(
        AppointmentParticipant(
            appointment=appointment,
            user_id=user_id,
            start=appointment.start,
            end=appointment.end,
            is_blocking=appointment.is_blocking,
        )
        for user_id in appointment.participant_ids()
    )


def _save_checked(appointment: Appointment, *, participant_ids: Sequence[int], exclude_ids: Sequence[int]) -> None:
    """Save the appointment and its participants; an exclusion-constraint violation becomes a conflict."""
    try:
        with transaction.atomic():
            appointment.save()
            _sync_participants(appointment)
    except IntegrityError as exc:
        if violated_constraint(exc) not in NO_OVERLAP_CONSTRAINTS:
            raise
        conflicts = _find_conflicts(
            counselor=appointment.counselor,
            participant_ids=participant_ids,
            intervals=[(appointment.start, appointment.end)],
            exclude_ids=exclude_ids,
        )
        raise _conflict_error(conflicts, appointment.location) from exc


def _record_change(
    appointment: Appointment,
    *,
    actor: User | None,
    action: str,
    from_status: str = "",
    from_start: datetime | None = None,
    from_end: datetime | None = None,
    reason: str = "",
) -> AppointmentChange:
    change = AppointmentChange.objects.create(
        appointment=appointment,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=appointment.status,
        from_start=from_start,
        from_end=from_end,
        to_start=appointment.start,
        to_end=appointment.end,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=AuditAction(f"appointment.{action}"),
        target=appointment,
        status=appointment.status,
        start=appointment.start.isoformat(),
        **({"reason": reason} if reason else {}),
    )
    signals.send_appointment_changed(appointment=appointment, action=action, actor=actor)
    return change


@dataclass(frozen=True)
class _Who:
    kind: str
    couple: Couple | None
    individual_client: User | None
    intake_names: str
    intake_email: str
    intake_phone: str


def _validate_who(*, counselor: User, who: _Who) -> None:
    errors: dict[str, str] = {}
    if who.kind not in AppointmentKind.values:
        errors["kind"] = gettext("Choose one of: %(kinds)s.") % {"kinds": ", ".join(AppointmentKind.values)}
    elif who.kind == AppointmentKind.INTAKE:
        if not who.intake_names.strip():
            errors["intake_names"] = gettext("Enter the prospective clients' names.")
        if who.couple is not None:
            errors["couple"] = gettext("An intake is for people who are not a couple here yet.")
    else:
        if who.couple is None:
            errors["couple"] = gettext("Choose the couple.")
        elif who.couple.status != CoupleStatus.ACTIVE:
            errors["couple"] = gettext("This couple is not active.")
        elif not policy.counselor_serves_couple(counselor, who.couple):
            errors["couple"] = gettext("%(name)s is not one of this couple's counselors.") % {
                "name": counselor.full_name
            }
        if who.kind == AppointmentKind.INDIVIDUAL_SESSION:
            if who.individual_client is None:
                errors["individual_client"] = gettext("Choose which partner the session is for.")
            elif who.couple is not None and who.individual_client.pk not in (
                who.couple.partner_one_id,
                who.couple.partner_two_id,
            ):
                errors["individual_client"] = gettext("Choose one of the couple's partners.")
        elif who.individual_client is not None:
            errors["individual_client"] = gettext("Only an individual session is for one partner.")
    if errors:
        raise ValidationError(errors)


def _new_appointment(
    *,
    actor: User,
    counselor: User,
    location: Location,
    start: datetime,
    end: datetime,
    who: _Who,
    status: str,
    telehealth_url: str,
    staff_note: str,
    override_problems: Sequence[str],
    override_hours_reason: str,
    series: AppointmentSeries | None = None,
    intake_request: IntakeRequest | None = None,
) -> Appointment:
    if telehealth_url and not location.is_online:
        raise ValidationError({"telehealth_url": gettext("Only online appointments have a telehealth link.")})
    appointment = Appointment(
        counselor=counselor,
        location=location,
        start=start,
        end=end,
        kind=who.kind,
        couple=who.couple,
        individual_client=who.individual_client,
        intake_names=who.intake_names.strip(),
        intake_email=who.intake_email.strip(),
        intake_phone=who.intake_phone.strip(),
        intake_request=intake_request,
        status=status,
        telehealth_url=telehealth_url.strip(),
        staff_note=staff_note.strip(),
        series=series,
        created_by=actor,
    )
    if override_problems:
        appointment.hours_override_by = actor
        appointment.hours_override_reason = override_hours_reason.strip()
    # The overlap is checked under lock by the caller; the exclusion
    # constraints' own validation would be a second, unlocked query.
    appointment.full_clean(validate_constraints=False)
    return appointment


@transaction.atomic
def appointment_book(
    *,
    actor: User,
    counselor: User,
    location: Location,
    start: datetime,
    end: datetime | None = None,
    duration_minutes: int | None = None,
    kind: str = AppointmentKind.COUPLE_SESSION,
    couple: Couple | None = None,
    individual_client: User | None = None,
    intake_names: str = "",
    intake_email: str = "",
    intake_phone: str = "",
    intake_request: IntakeRequest | None = None,
    telehealth_url: str = "",
    staff_note: str = "",
    override_hours_reason: str = "",
) -> Appointment:
    """Book a confirmed appointment: admins for any counselor, counselors for themselves.
    A couple's appointment that may not be confirmed yet (signals.confirmation_hold)
    is booked as requested instead.

    Outside working or opening hours only with an admin's override reason,
    which is recorded on the appointment. Raises AppointmentConflict when
    the counselor or a partner is already booked then.
    """
    require(policy.can_manage_schedule_of(actor, counselor), gettext("Counselors book only their own appointments."))
    start = _aware(start, "start")
    end = _duration(start, end, duration_minutes)
    who = _Who(kind, couple, individual_client, intake_names, intake_email, intake_phone)
    _validate_who(counselor=counselor, who=who)
    problems = _validate_when(
        actor=actor,
        counselor=counselor,
        location=location,
        start=start,
        end=end,
        override_hours_reason=override_hours_reason,
    )
    appointment = _new_appointment(
        actor=actor,
        counselor=counselor,
        location=location,
        start=start,
        end=end,
        who=who,
        status=AppointmentStatus.CONFIRMED,
        telehealth_url=telehealth_url,
        staff_note=staff_note,
        override_problems=problems,
        override_hours_reason=override_hours_reason,
        intake_request=intake_request,
    )
    participant_ids = appointment.participant_ids()
    _lock_people([counselor.pk, *participant_ids])
    conflicts = _find_conflicts(counselor=counselor, participant_ids=participant_ids, intervals=[(start, end)])
    if conflicts:
        raise _conflict_error(conflicts, location)
    if signals.confirmation_holds(appointment=appointment):
        # Held (a couple's paperwork before their first session): the time is
        # kept for them, and staff confirm it once the hold is lifted.
        appointment.status = AppointmentStatus.REQUESTED
    _save_checked(appointment, participant_ids=participant_ids, exclude_ids=[])
    _record_change(appointment, actor=actor, action=ChangeAction.BOOKED)
    if problems:
        audit_record(
            actor=actor,
            action=AuditAction.APPOINTMENT_HOURS_OVERRIDDEN,
            target=appointment,
            problems=problems,
            reason=appointment.hours_override_reason,
        )
    if intake_request is not None:
        IntakeRequest.objects.filter(pk=intake_request.pk).update(status=IntakeStatus.SCHEDULED, handled_by=actor)
    return appointment


@transaction.atomic
def appointment_request(
    *,
    actor: User,
    counselor: User,
    location: Location,
    start: datetime,
    duration_minutes: int | None = None,
    note: str = "",
) -> Appointment:
    """A client asks for one of their counselor's free slots, for a couple session; staff confirm or decline."""
    if not policy.may_request_appointments(actor):
        raise PermissionDenied("Only clients request appointments; staff book them.")
    if not PracticeSettings.load().clients_may_request:
        raise PermissionDenied("The practice takes appointment requests by phone; call the front desk.")
    couple = (
        Couple.objects.filter(Q(partner_one=actor) | Q(partner_two=actor), status__in=OPEN_COUPLE_STATUSES)
        .select_related("partner_one", "partner_two")
        .first()
    )
    if couple is None or couple.status != CoupleStatus.ACTIVE:
        raise ValidationError("Only clients of an active couple can request appointments.")
    if not policy.counselor_serves_couple(counselor, couple):
        raise ValidationError({"counselor": gettext("Request a time with your own counselor.")})
    start = _aware(start, "start")
    minutes = duration_minutes or PracticeSettings.load().default_duration_minutes
    end = start + timedelta(minutes=minutes)
    who = _Who(AppointmentKind.COUPLE_SESSION, couple, None, "", "", "")
    _validate_when(actor=actor, counselor=counselor, location=location, start=start, end=end, override_hours_reason="")
    participant_ids = Appointment.participant_ids_for(kind=who.kind, couple=couple, individual_client_id=None)
    _lock_people([counselor.pk, *participant_ids])
    # Under the lock: the slot must still be one the search offers (buffer included).
    if not slots.is_free_slot(
        counselor=counselor, location=location, start=start, duration=timedelta(minutes=minutes), couple=couple
    ):
        conflicts = _find_conflicts(counselor=counselor, participant_ids=participant_ids, intervals=[(start, end)])
        if conflicts:
            raise _conflict_error(conflicts, location)
        raise AppointmentConflict("This time is no longer free; choose another from the list.")
    appointment = _new_appointment(
        actor=actor,
        counselor=counselor,
        location=location,
        start=start,
        end=end,
        who=who,
        status=AppointmentStatus.REQUESTED,
        telehealth_url="",
        staff_note="",
        override_problems=[],
        override_hours_reason="",
    )
    _save_checked(appointment, participant_ids=participant_ids, exclude_ids=[])
    _record_change(appointment, actor=actor, action=ChangeAction.REQUESTED, reason=note.strip()[:300])
    return appointment
