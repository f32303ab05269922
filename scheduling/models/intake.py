"""Prospective clients' intake requests, from a counselor's public profile to
the front desk.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Couple, User
from portal.crypto import EncryptedTextField
from scheduling.models.counselors import Specialty
from scheduling.models.locations import Location


class IntakeStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("intake status", "New")
    SCHEDULED = "scheduled", pgettext_lazy("intake status", "Scheduled")
    # After the intake: the prospective clients became a couple with invitations.
    CONVERTED = "converted", pgettext_lazy("intake status", "Couple invited")
    CLOSED = "closed", pgettext_lazy("intake status", "Closed")


class IntakeRequest(models.Model):
    """A prospective client's "Schedule with ..." form, waiting for the front desk."""

    counselor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="intake_requests"
    )
    preferred_location = models.ForeignKey(Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    prefers_online = models.BooleanField(default=False)
    specialty = models.ForeignKey(Specialty, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    preferred_times = models.CharField(
        max_length=300, blank=True, help_text=_("Preferred days and times, in their words.")
    )
    names = models.CharField(max_length=200)
    email = models.EmailField()
    phone = models.CharField(max_length=32, blank=True)
    # In their words, possibly why they seek counseling: encrypted (portal.crypto, docs/encryption.md).
    note = EncryptedTextField(blank=True, max_length=2000)
    status = models.CharField(max_length=10, choices=IntakeStatus.choices, default=IntakeStatus.NEW)
    handled_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The couple the request became (scheduling.services.intake_request_invite_couple).
    couple = models.ForeignKey(Couple, on_delete=models.SET_NULL, null=True, blank=True, related_name="intake_requests")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(status__in=IntakeStatus.values), name="intake_status_valid")]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            # The front desk's list of every request, newest first (then id):
            # a page read off the index, not a sort of every request.
            models.Index(fields=["created_at", "id"], name="intakerequest_created_id"),
        ]

    def __str__(self) -> str:
        return f"Intake request from {self.names} ({self.get_status_display()})"
