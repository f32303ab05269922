"""Forms for measures: a counselor's own measure, and assigning one to a couple."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Couple
from exercises import recurrence
from exercises.models import Visibility
from progress.scoring import ScoringMethod

REVERSED_MARK = "(R)"


def parse_items(text: str) -> list[dict[str, Any]]:
    """One statement per line; "(R)" at the start marks a reverse-scored one."""
    items: list[dict[str, Any]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        reversed_ = line.upper().startswith(REVERSED_MARK)
        if reversed_:
            line = line[len(REVERSED_MARK) :].strip()
        items.append({"key": f"item_{len(items) + 1}", "text": line, "reversed": reversed_})
    return items


def parse_bands(text: str) -> list[dict[str, Any]]:
    """One band per line: "label, lowest, highest"."""
    bands = []
    for number, line in enumerate((line.strip() for line in text.splitlines() if line.strip()), start=1):
        parts = [part.strip() for part in line.rsplit(",", 2)]
        if len(parts) != 3:
            raise ValidationError(
                gettext("Line %(n)d: write a label, the lowest and the highest score, separated by commas.")
                % {"n": number}
            )
        bands.append({"label": parts[0], "min": parts[1], "max": parts[2]})
    return bands


class MeasureForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    summary = forms.CharField(
        label=_("Summary"), max_length=300, required=False, help_text=_("What it measures, in a sentence.")
    )
    items = forms.CharField(
        label=_("Statements"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One statement per line, each answered from 1 (strongly disagree) to 5 (strongly agree). "
            "Start a line with (R) if agreeing with it means less of what you measure: it is reverse-scored."
        ),
    )
    scoring = forms.ChoiceField(label=_("Scoring"), choices=ScoringMethod.choices, initial=ScoringMethod.MEAN)
    bands = forms.CharField(
        label=_("Score bands"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Optional. One band per line, lowest first: label, lowest score, highest score (for example: Low, 1, 2.49)."
        ),
    )
    visibility = forms.ChoiceField(
        label=_("Who reads a partner's answers and score"),
        choices=Visibility.choices,
        initial=Visibility.AFTER_BOTH,
    )

    def clean_items(self) -> list[dict[str, Any]]:
        return parse_items(self.cleaned_data["items"])

    def clean_bands(self) -> list[dict[str, Any]]:
        return parse_bands(self.cleaned_data.get("bands") or "")


class AssignMeasureForm(forms.Form):
    couple = forms.ModelChoiceField(label=_("Couple"), queryset=Couple.objects.none(), empty_label=None)
    starts_on = forms.DateField(label=_("First due on"), widget=forms.DateInput(attrs={"type": "date"}))
    due_time = forms.TimeField(label=_("Due time"), initial=time(19, 0), widget=forms.TimeInput(attrs={"type": "time"}))
    every_weeks = forms.IntegerField(label=_("Repeat every (weeks)"), min_value=1, max_value=12, initial=2)
    times = forms.IntegerField(
        label=_("How many times"),
        min_value=1,
        max_value=52,
        required=False,
        help_text=_("Leave empty to keep repeating."),
    )

    def __init__(self, *args: Any, couples: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["couple"].queryset = couples  # type: ignore[attr-defined]
        self.fields["couple"].label_from_instance = lambda couple: couple.display_name  # type: ignore[attr-defined]
        self.fields["starts_on"].initial = today

    def rrule(self) -> str:
        data = self.cleaned_data
        return recurrence.build(freq=recurrence.WEEKLY, interval=data["every_weeks"], count=data.get("times"))
