"""How reminders react to the other apps; connected in NotificationsConfig.ready().

- exercises.signals.response_submitted and assignment_status_changed, sent
  inside the exercise's transaction: cancel the reminders an answer makes
  moot, re-plan after a pause or a resumption.
- scheduling.signals.appointment_changed, sent inside the change's
  transaction: plan, re-plan or cancel the appointment's reminders and
  notices, so they commit or roll back with the change itself.
- scheduling.signals.intake_requested (after commit): tell the front desk.
- accounts.signals.safety_mode_changed, inside the change's transaction:
  cancel the pending "your partner has finished" notices about that partner.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from exercises.models import Assignment, Occurrence, Response
from notifications import appointments
from notifications import services as reminders
from scheduling.models import Appointment, IntakeRequest


def response_submitted(sender: type, occurrence: Occurrence, response: Response, now: datetime, **kwargs: Any) -> None:
    reminders.reminders_on_response_submitted(occurrence=occurrence, response=response, now=now)


def assignment_status_changed(sender: type, assignment: Assignment, now: datetime, **kwargs: Any) -> None:
    reminders.reminders_on_assignment_status_changed(assignment=assignment, now=now)


def appointment_changed(sender: type, appointment_id: int, action: str, actor_id: int | None, **kwargs: Any) -> None:
    appointment = Appointment.objects.select_related("couple").get(pk=appointment_id)
    appointments.on_appointment_change(appointment=appointment, action=action, actor_id=actor_id)


def intake_requested(sender: type, intake_request_id: int, **kwargs: Any) -> None:
    intake = IntakeRequest.objects.filter(pk=intake_request_id).first()
    if intake is not None:
        with transaction.atomic():
            appointments.notice_intake(intake=intake)


def safety_mode_changed(sender: type, user_id: int, on: bool, **kwargs: Any) -> None:
    reminders.reminders_on_safety_mode_changed(user_id=user_id, on=on)
