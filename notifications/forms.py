from __future__ import annotations

from typing import Any

from django import forms

from accounts.forms import TIME_ZONE_CHOICES
from accounts.models import User
from notifications.models import NotificationPreference
from portal import policy


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
            "email_appointment_reminder",
            "email_appointment_changed",
            "email_appointment_requested",
            "email_intake_requested",
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
        if policy.gets_exercise_reminders(user):
            staff_only = ["email_weekly_digest", "email_appointment_requested", "email_intake_requested"]
            for name in staff_only:
                del self.fields[name]
        else:
            for name in [
                "partner_finished",
                "email_partner_finished",
                "email_appointment_reminder",
                "email_appointment_changed",
            ]:
                del self.fields[name]
            if not policy.gets_weekly_digest(user):
                del self.fields["email_weekly_digest"]
