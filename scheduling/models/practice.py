"""The practice's scheduling settings (one row) and users' private calendar
feeds.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class PracticeSettings(models.Model):
    """The practice's scheduling rules: one row (pk 1), edited in the admin."""

    SINGLETON_PK = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_PK, editable=False)
    clients_may_request = models.BooleanField(
        default=True, help_text=_("Clients may request times; otherwise they only see their appointments.")
    )
    late_cancel_hours = models.PositiveSmallIntegerField(default=24)
    buffer_minutes = models.PositiveSmallIntegerField(default=10, help_text=_("Free time kept between sessions."))
    default_duration_minutes = models.PositiveSmallIntegerField(default=50)
    slot_step_minutes = models.PositiveSmallIntegerField(
        default=15, help_text=_("Offered start times are this far apart.")
    )

    class Meta:
        verbose_name = verbose_name_plural = _("practice settings")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="practice_settings_singleton"),
            models.CheckConstraint(
                condition=Q(default_duration_minutes__gt=0), name="practice_settings_duration_positive"
            ),
            models.CheckConstraint(condition=Q(slot_step_minutes__gt=0), name="practice_settings_step_positive"),
        ]

    def __str__(self) -> str:
        return "Practice settings"

    @classmethod
    def load(cls) -> PracticeSettings:
        settings, _ = cls.objects.get_or_create(pk=cls.SINGLETON_PK)
        return settings


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's private iCalendar subscription: whoever has the URL reads the feed.

    Revoking deletes the row; regenerating replaces the token, so an old URL
    answers 404 from then on.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user.full_name}"
