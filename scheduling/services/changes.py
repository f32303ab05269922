"""Changes to a booked appointment: reschedule, cancel, confirm or decline a
request, and record the outcome. Each one re-reads the appointment under
lock and keeps its history.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import AuditAction, User
from accounts.services import audit_record
from portal import policy
from portal.errors import ServiceConflict, require
from scheduling import signals
from scheduling.models import (
    Appointment,
    AppointmentParticipant,
    AppointmentStatus,
    ChangeAction,
    Location,
    PracticeSettings,
)
from scheduling.services.availability import _aware, _conflict_error, _find_conflicts, _lock_people, _validate_when
from scheduling.services.booking import _record_change, _save_checked


def _locked(appointment: Appointment) -> Appointment:
    """Re-read the appointment under lock, so two changes to it apply one after the other."""
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("counselor", "location", "couple")
        .get(pk=appointment.pk)
    )


@transaction.atomic
def appointment_reschedule(
    *,
    actor: User,
    appointment: Appointment,
    start: datetime,
    end: datetime | None = None,
    location: Location | None = None,
    reason: str = "",
    override_hours_reason: str = "",
) -> Appointment:
    """Move one appointment (keeping its length unless an end is given); its history keeps the old time."""
    appointment = _locked(appointment)
    require(policy.can_manage_appointment(actor, appointment), gettext("You cannot change this appointment."))
    if not appointment.is_blocking:
        status = str(appointment.get_status_display()).lower()
        raise ValidationError({"status": gettext("A %(status)s appointment cannot be moved.") % {"status": status}})
    start = _aware(start, "start")
    end = _aware(end, "end") if end is not None else start + appointment.duration
    location = location or appointment.location
    problems = _validate_when(
        actor=actor,
        counselor=appointment.counselor,
        location=location,
        start=start,
        end=end,
        override_hours_reason=override_hours_reason,
    )
    participant_ids = appointment.participant_ids()
    _lock_people([appointment.counselor_id, *participant_ids])
    conflicts = _find_conflicts(
        counselor=appointment.counselor,
        participant_ids=participant_ids,
        intervals=[(start, end)],
        exclude_ids=[appointment.pk],
    )
    if conflicts:
        raise _conflict_error(conflicts, location)
    from_start, from_end = appointment.start, appointment.end
    appointment.start, appointment.end, appointment.location = start, end, location
    if telehealth_lost := (appointment.telehealth_url and not location.is_online):
        appointment.telehealth_url = ""
    if problems:
        appointment.hours_override_by = actor
        appointment.hours_override_reason = override_hours_reason.strip()
    appointment.sequence += 1
    appointment.full_clean(validate_constraints=False)
    _save_checked(appointment, participant_ids=participant_ids, exclude_ids=[appointment.pk])
    _record_change(
        appointment,
        actor=actor,
        action=ChangeAction.RESCHEDULED,
        from_status=appointment.status,
        from_start=from_start,
        from_end=from_end,
        reason=reason.strip(),
    )
    if telehealth_lost:
        audit_record(actor=actor, action=AuditAction.APPOINTMENT_TELEHEALTH_REMOVED, target=appointment)
    return appointment


def _end_blocking(appointment: Appointment) -> None:
    appointment.sequence += 1
    appointment.save()
    AppointmentParticipant.objects.filter(appointment=appointment).update(is_blocking=False)


@transaction.atomic
def appointment_cancel(*, actor: User, appointment: Appointment, reason: str) -> Appointment:
    """Cancel, keeping who and why; less than the practice's late-cancel hours ahead is flagged late."""
    appointment = _locked(appointment)
    require(policy.can_cancel_appointment(actor, appointment), gettext("You cannot cancel this appointment."))
    if not appointment.is_blocking:
        status = str(appointment.get_status_display()).lower()
        raise ValidationError({"status": gettext("This appointment is already %(status)s.") % {"status": status}})
    if not reason.strip():
        raise ValidationError({"reason": gettext("Say why the appointment is cancelled.")})
    now = timezone.now()
    if appointment.start <= now:
        raise ValidationError({"status": gettext("This appointment has started; record it as completed or a no-show.")})
    late_within = timedelta(hours=PracticeSettings.load().late_cancel_hours)
    previous = appointment.status
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_by = actor
    appointment.cancelled_at = now
    appointment.cancellation_reason = reason.strip()
    appointment.late_cancellation = appointment.start - now < late_within
    _end_blocking(appointment)
    _record_change(appointment, actor=actor, action=ChangeAction.CANCELLED, from_status=previous, reason=reason.strip())
    return appointment


@transaction.atomic
def appointment_confirm(*, actor: User, appointment: Appointment) -> Appointment:
    appointment = _locked(appointment)
    require(policy.can_manage_appointment(actor, appointment), gettext("You cannot confirm this appointment."))
    if appointment.status != AppointmentStatus.REQUESTED:
        raise ValidationError({"status": gettext("Only a requested appointment can be confirmed.")})
    holds = signals.confirmation_holds(appointment=appointment)
    if holds:
        raise ServiceConflict(" ".join(holds))
    appointment.status = AppointmentStatus.CONFIRMED
    appointment.sequence += 1
    appointment.save()
    _record_change(appointment, actor=actor, action=ChangeAction.CONFIRMED, from_status=AppointmentStatus.REQUESTED)
    return appointment


@transaction.atomic
def appointment_decline(*, actor: User, appointment: Appointment, reason: str) -> Appointment:
    """Turn a request down: it becomes cancelled (never late), with the reason the couple is told."""
    appointment = _locked(appointment)
    require(policy.can_manage_appointment(actor, appointment), gettext("You cannot decline this appointment."))
    if appointment.status != AppointmentStatus.REQUESTED:
        raise ValidationError({"status": gettext("Only a requested appointment can be declined.")})
    if not reason.strip():
        raise ValidationError({"reason": gettext("Tell the couple why, or suggest another time.")})
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_by = actor
    appointment.cancelled_at = timezone.now()
    appointment.cancellation_reason = reason.strip()
    _end_blocking(appointment)
    _record_change(
        appointment,
        actor=actor,
        action=ChangeAction.DECLINED,
        from_status=AppointmentStatus.REQUESTED,
        reason=reason.strip(),
    )
    return appointment


@transaction.atomic
def appointment_record_outcome(*, actor: User, appointment: Appointment, status: str) -> Appointment:
    """After the session: completed or no-show."""
    appointment = _locked(appointment)
    require(policy.can_manage_appointment(actor, appointment), gettext("You cannot change this appointment."))
    outcomes = {AppointmentStatus.COMPLETED: ChangeAction.COMPLETED, AppointmentStatus.NO_SHOW: ChangeAction.NO_SHOW}
    if status not in outcomes:
        raise ValidationError({"status": gettext("Record the session as completed or a no-show.")})
    if appointment.status != AppointmentStatus.CONFIRMED:
        raise ValidationError({"status": gettext("Only a confirmed appointment has an outcome.")})
    if appointment.start > timezone.now():
        raise ValidationError({"status": gettext("The session has not started yet.")})
    previous = appointment.status
    appointment.status = status
    # Past time no longer needs guarding, and no one can book the past.
    _end_blocking(appointment)
    _record_change(appointment, actor=actor, action=outcomes[AppointmentStatus(status)], from_status=previous)
    return appointment
