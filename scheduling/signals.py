"""What scheduling tells the rest of the portal. Receivers are connected by
the reacting app in its apps.py (notifications, today).

- appointment_changed(appointment_id, action, actor_id): sent by every
  change to an appointment, inside the transaction that makes it, right
  after its history row (AppointmentChange) is written; so what a receiver
  writes (reminders planned, re-planned or cancelled, notices) commits or
  rolls back with the change itself. ``action`` is a ChangeAction value.
- intake_requested(intake_request_id): a prospective client wrote in; sent
  after the transaction commits, so nobody is told of a request that was
  rolled back.

Receivers get ids and re-read what they need.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

from accounts.models import User
from scheduling.models import Appointment, IntakeRequest

appointment_changed = Signal()
intake_requested = Signal()


def send_appointment_changed(*, appointment: Appointment, action: str, actor: User | None) -> None:
    appointment_changed.send(
        sender=Appointment,
        appointment_id=appointment.pk,
        action=action,
        actor_id=actor.pk if actor is not None else None,
    )


def intake_requested_on_commit(intake: IntakeRequest) -> None:
    intake_id = intake.pk
    transaction.on_commit(lambda: intake_requested.send(sender=IntakeRequest, intake_request_id=intake_id))
