from __future__ import annotations

from typing import Any

from django import forms

from accounts.forms import TIME_ZONE_CHOICES
from accounts.models import Role, User
from notifications.models import NotificationPreference


class PreferencesForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label="Your time zone", choices=TIME_ZONE_CHOICES)

    class Meta:
        model = NotificationPreference
        fields = [
            "partner_finished",
            "email_exercise_due_soon",
            "email_exercise_overdue",
            "email_partner_finished",
            "email_weekly_digest",
            "quiet_start",
            "quiet_end",
        ]
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {"quiet_start": "Reminders that fall in your quiet hours are sent when they end."}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only what applies to this user: partners have no digest, staff no partner.
        if user.role == Role.CLIENT:
            del self.fields["email_weekly_digest"]
        else:
            del self.fields["partner_finished"]
            del self.fields["email_partner_finished"]
