"""The visitor's "Request an appointment" form: the counselor profile's
new-client form (same fields, same honeypot) with the counselor left to
choose, or to the front desk."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from scheduling.forms import IntakeRequestForm
from scheduling.models import CounselorProfile


class CounselorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class AppointmentRequestForm(IntakeRequestForm):
    """Not tied to a counselor: any office (the online one among them) and, if
    they have one in mind, a counselor who takes new clients."""

    counselor = CounselorChoiceField(
        queryset=CounselorProfile.objects.none(),
        required=False,
        to_field_name="slug",
        label=_("Counselor"),
        help_text=_("With no preference, our front desk suggests someone who fits."),
        empty_label=_("No preference"),
    )

    field_order = ["preferred_location", "prefers_online", "counselor", "specialty", "preferred_times"]

    def __init__(self, *args: Any, counselors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = counselors  # type: ignore[attr-defined]
        self.fields["preferred_location"].label = _("Office")
