"""Hooks into scheduling, connected in NotificationsConfig.ready().

- post_save of AppointmentChange: scheduling records one for every change,
  inside the transaction that makes it (after saving the appointment), so
  planning, re-planning and cancelling reminders commit or roll back with
  the change itself.
- scheduling.signals.intake_requested (after commit): tell the front desk.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from notifications import appointments
from scheduling.models import Appointment, AppointmentChange, IntakeRequest
from scheduling.signals import intake_requested


@receiver(post_save, sender=AppointmentChange, dispatch_uid="notifications.appointment_change")
def appointment_change_recorded(sender: type, instance: AppointmentChange, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw"):
        return
    appointment = Appointment.objects.select_related("couple").get(pk=instance.appointment_id)
    appointments.on_appointment_change(appointment=appointment, action=instance.action, actor_id=instance.actor_id)


@receiver(intake_requested, dispatch_uid="notifications.intake_requested")
def intake_request_created(sender: type, intake_request_id: int, **kwargs: Any) -> None:
    intake = IntakeRequest.objects.filter(pk=intake_request_id).first()
    if intake is not None:
        with transaction.atomic():
            appointments.notice_intake(intake=intake)
