from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from notifications.models import NotificationPreference
from portal import policy
from portal.form_fields import TimeZoneField


class PreferencesForm(forms.ModelForm):
    time_zone = TimeZoneField(label=_("Your time zone"))

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
            "email_intake_paperwork",
            "email_message_received",
            "quiet_start",
            "quiet_end",
        ]
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {"quiet_start": _("Reminders that fall in your quiet hours are sent when they end.")}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only what applies to this user (the page renders exactly these: a
        # field it left out would be posted as absent, and save as "off").
        if policy.gets_exercise_reminders(user):
            unused = ["email_weekly_digest", "email_appointment_requested", "email_intake_requested"]
        else:
            unused = [
                "partner_finished",
                "email_exercise_due_soon",
                "email_exercise_overdue",
                "email_partner_finished",
                "email_appointment_reminder",
                "email_appointment_changed",
                "email_intake_paperwork",
            ]
            if not policy.gets_weekly_digest(user):
                unused.append("email_weekly_digest")
            if not policy.has_caseload(user):  # practice admins read no messages
                unused.append("email_message_received")
        for name in unused:
            del self.fields[name]
