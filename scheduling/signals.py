"""Signals for the notification layer (reminders machinery or e-mail).

Sent after the transaction commits, so a receiver never tells anyone about
a change that was rolled back. Receivers get ids and re-read what they need.

- appointment_changed(appointment_id, action, actor_id): action is a
  scheduling.models.ChangeAction value. "requested" is the cue to tell the
  counselor and the front desk; "confirmed"/"declined" to tell the couple.
- intake_requested(intake_request_id): a prospective client wrote in.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

from accounts.models import User
from scheduling.models import Appointment, IntakeRequest

appointment_changed = Signal()
intake_requested = Signal()


def send_on_commit(*, appointment: Appointment, action: str, actor: User | None) -> None:
    appointment_id, actor_id = appointment.pk, actor.pk if actor is not None else None
    transaction.on_commit(
        lambda: appointment_changed.send(
            sender=Appointment, appointment_id=appointment_id, action=action, actor_id=actor_id
        )
    )


def intake_requested_on_commit(intake: IntakeRequest) -> None:
    intake_id = intake.pk
    transaction.on_commit(lambda: intake_requested.send(sender=IntakeRequest, intake_request_id=intake_id))
