"""How long a closed couple's clinical content is kept, the tombstone left
where it was erased, and clients' requests to close their account.

The clinical content of a couple (answers and their earlier versions,
comments, assignment notes, measure scores, messages, their earlier texts,
subjects and attachments) is kept for RetentionSettings.years after the
couple was closed (accounts.Couple.closed_at), then erased by the daily task
(retention.tasks). What stays: the rows' skeleton (who, when, states), the
signed documents and the audit trail, whose chain an erasure never touches
(an audit row holds ids, never content); an Erasure row says when, from
which closing and how much.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_YEARS = 7
MAX_YEARS = 30


class RetentionSettings(models.Model):
    """The practice's retention period (one row)."""

    SINGLETON_PK = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_PK, editable=False)
    years = models.PositiveSmallIntegerField(
        default=DEFAULT_YEARS,
        help_text="How many years after a couple is closed their clinical content is kept.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "retention settings"
        verbose_name_plural = "retention settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="retention_settings_singleton"),
            models.CheckConstraint(condition=Q(years__gte=1, years__lte=MAX_YEARS), name="retention_years_in_range"),
        ]

    def __str__(self) -> str:
        return f"Clinical content kept {self.years} years after a couple is closed"

    @classmethod
    def load(cls) -> RetentionSettings:
        found = cls.objects.filter(pk=cls.SINGLETON_PK).first()
        return found or cls(pk=cls.SINGLETON_PK)


class Erasure(models.Model):
    """The tombstone of a couple whose clinical content was erased: when,
    counted from which closing, under which period, and how much of each."""

    couple = models.OneToOneField("accounts.Couple", on_delete=models.PROTECT, related_name="erasure")
    erased_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(help_text="The closing the period was counted from.")
    retention_years = models.PositiveSmallIntegerField()
    counts = models.JSONField(default=dict, help_text="How many of each kind of content were erased.")

    class Meta:
        ordering = ["-erased_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(erased_at__gt=models.F("closed_at")), name="erasure_after_closing"),
        ]

    def __str__(self) -> str:
        return f"Content of couple {self.couple_id} erased {self.erased_at:%Y-%m-%d}"


class ClosureState(models.TextChoices):
    OPEN = "open", _("Waiting for the practice")
    ACCOUNT_CLOSED = "closed", _("Account closed")
    KEPT_OPEN = "kept_open", _("Account kept open")


class AccountClosureRequest(models.Model):
    """A client asks the practice to close their account. The practice
    decides: closing it stops their sign-in and e-mails; the records stay
    for the retention period whatever is decided."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="closure_requests")
    requested_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=ClosureState.choices, default=ClosureState.OPEN)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reply = models.CharField(
        max_length=1000, blank=True, help_text="What the practice tells the client (no clinical content)."
    )

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ClosureState.values), name="closure_state_valid"),
            models.CheckConstraint(
                condition=Q(state=ClosureState.OPEN, decided_at__isnull=True, decided_by__isnull=True)
                | (~Q(state=ClosureState.OPEN) & Q(decided_at__isnull=False, decided_by__isnull=False)),
                name="closure_decided_when_not_open",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(state=ClosureState.OPEN), name="closure_one_open_per_user"
            ),
        ]
        indexes = [models.Index(fields=["state", "requested_at"], name="closure_state_requested")]

    def __str__(self) -> str:
        return f"Closure request of {self.user_id} ({self.get_state_display()})"
