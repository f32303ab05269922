"""How scheduling reacts to other apps: a couple moved to another counselor
takes its sessions still to come along when the practice admin asked for it
(accounts.signals.couple_reassigned)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.models import AuditAction, User
from accounts.services import audit_record
from portal.errors import violated_constraint
from scheduling.models import BLOCKING_STATUSES, Appointment

NO_OVERLAP = "appointment_counselor_no_overlap"


def move_future_appointments(
    sender: object,
    *,
    couple_id: int,
    previous_counselor_id: int,
    counselor_id: int,
    actor_id: int,
    move_future_appointments: bool,
    **kwargs: Any,
) -> None:
    """Give the new counselor the couple's requested and confirmed sessions
    still to come that the previous one held. One the new counselor is busy
    at refuses the whole move (the caller's transaction rolls back), naming it."""
    if not move_future_appointments:
        return
    actor = User.objects.get(pk=actor_id)
    counselor = User.objects.get(pk=counselor_id)
    appointments = (
        Appointment.objects.select_for_update()
        .filter(
            couple_id=couple_id,
            counselor_id=previous_counselor_id,
            status__in=BLOCKING_STATUSES,
            start__gte=timezone.now(),
        )
        .select_related("location")
        .order_by("start")
    )
    for appointment in appointments:
        appointment.counselor = counselor
        try:
            with transaction.atomic():
                appointment.save(update_fields=["counselor"])
        except IntegrityError as exc:
            if violated_constraint(exc) not in (None, NO_OVERLAP):
                raise
            when = date_format(timezone.localtime(appointment.start, appointment.location.tz), gettext("D M j, H:i"))
            refused = gettext(
                "%(name)s already has an appointment at the time of the session on %(when)s. "
                "Move that session first, or leave the sessions with the previous counselor."
            )
            raise ValidationError(
                {"move_future_appointments": refused % {"name": counselor.full_name, "when": when}}
            ) from None
        audit_record(
            actor=actor,
            action=AuditAction.APPOINTMENT_COUNSELOR_CHANGED,
            target=appointment,
            previous_counselor=previous_counselor_id,
            counselor=counselor_id,
        )
