"""How intake reacts to the other apps; connected in IntakeConfig.ready().

- accounts.signals.couple_created (inside the invitation's transaction):
  the couple's intake packet, copied from the practice's default.
- scheduling.signals.confirmation_hold: the couple's first appointment waits
  for the documents of their packet to be signed.
- scheduling.signals.appointment_changed and exercises.signals.response_submitted
  (inside their transactions): the reminders before the first session are
  re-planned; an answer to the private safety check-in that indicates risk
  raises the partner's flag for their counselor (accounts.services.risk_flag_raise).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accounts import services as account_services
from accounts.models import Couple, User
from exercises.models import Occurrence, Response
from intake import safety, selectors, services
from intake.models import IntakePacketItem
from scheduling.models import Appointment


def couple_created(sender: type, couple_id: int, actor_id: int, **kwargs: Any) -> None:
    couple = Couple.objects.select_related("partner_one", "partner_two", "primary_counselor").get(pk=couple_id)
    services.packet_create(actor=User.objects.get(pk=actor_id), couple=couple)


def confirmation_hold(sender: type, appointment: Appointment, **kwargs: Any) -> str | None:
    return selectors.first_appointment_hold(appointment)


def appointment_changed(sender: type, appointment_id: int, **kwargs: Any) -> None:
    couple_id = Appointment.objects.filter(pk=appointment_id).values_list("couple_id", flat=True).first()
    if couple_id is not None:
        services.paperwork_reminders_refresh(couple_id=couple_id)


def response_submitted(sender: type, occurrence: Occurrence, response: Response, now: datetime, **kwargs: Any) -> None:
    assignment = occurrence.assignment
    template = assignment.template
    if (
        response.author_id is not None
        and safety.is_safety_screen(template.slug, builtin=template.is_builtin)
        and safety.indicates_risk(response.answers)
    ):
        account_services.risk_flag_raise(partner=User.objects.get(pk=response.author_id), now=now)
    if IntakePacketItem.objects.filter(assignment_id=assignment.pk).exists():
        services.paperwork_reminders_refresh(couple_id=assignment.couple_id, now=now)
