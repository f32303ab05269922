"""What scheduling tells the rest of the portal. Receivers are connected by
the reacting app in its apps.py (notifications, today).

- appointment_changed(appointment_id, action, actor_id): sent by every
  change to an appointment, inside the transaction that makes it, right
  after its history row (AppointmentChange) is written; so what a receiver
  writes (reminders planned, re-planned or cancelled, notices) commits or
  rolls back with the change itself. ``action`` is a ChangeAction value.
- confirmation_hold(appointment): asked before an appointment of a couple
  becomes confirmed (booked by staff, or a request confirmed), inside the
  transaction. A receiver returns a sentence saying why it must wait (intake:
  the couple's paperwork before their first session), or None. A booking
  that is held is saved as requested; confirming a held one is refused.
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
confirmation_hold = Signal()
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


def confirmation_holds(*, appointment: Appointment) -> list[str]:
    """Why ``appointment`` may not be confirmed yet, as the receivers of
    confirmation_hold say (an empty list: it may)."""
    if appointment.couple_id is None:
        return []
    answers = confirmation_hold.send(sender=Appointment, appointment=appointment)
    return [reason for _receiver, reason in answers if reason]
