"""Opening hours as text, one weekday a line ("Mon 09:00-12:00, 13:00-17:00"):
the location form's field, its parser and its writer. Days are named by three
letters, written in the reader's language and read in English or Spanish.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from scheduling.services import HoursInterval

# The weekly-hours text names days by three letters, in English or Spanish
# (written in the reader's language, read in either).
DAY_ABBREVIATIONS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "es": ("Lun", "Mar", "Mié", "Jue", "Vie", "Sáb", "Dom"),
}
DAY_NAMES = {
    **{name.lower(): day for names in DAY_ABBREVIATIONS.values() for day, name in enumerate(names)},
    "mie": 2,
    "sab": 5,
}
HOURS_LINE = re.compile(r"^\s*(?P<day>[^\W\d_]{3})[^\W\d_]*\s+(?P<ranges>.+)$")
RANGE = re.compile(r"^(?P<start>\d{1,2}:\d{2})\s*[-–]\s*(?P<end>\d{1,2}:\d{2})$")


def parse_weekly_hours(text: str) -> list[HoursInterval]:
    """Lines like "Mon 09:00-12:00, 13:00-17:00"; a day left out is closed."""
    intervals, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = HOURS_LINE.match(line)
        day = DAY_NAMES.get(match["day"].lower()) if match else None
        if match is None or day is None:
            errors.append(
                gettext("Line %(number)s: start with a weekday, like “Tue 09:00-17:00”.") % {"number": number}
            )
            continue
        for part in match["ranges"].split(","):
            found = RANGE.match(part.strip())
            if found is None:
                errors.append(gettext("Line %(number)s: write times as 09:00-17:00.") % {"number": number})
                continue
            try:
                start, end = time.fromisoformat(found["start"].zfill(5)), time.fromisoformat(found["end"].zfill(5))
            except ValueError:
                errors.append(
                    gettext("Line %(number)s: %(text)s is not a time of day.")
                    % {"number": number, "text": part.strip()}
                )
                continue
            intervals.append(HoursInterval(day, start, end))
    if errors:
        raise ValidationError(errors)
    return intervals


def format_weekly_hours(rows: list[tuple[int, time, time]]) -> str:
    by_day: dict[int, list[str]] = {}
    for weekday, start, end in sorted(rows):
        by_day.setdefault(weekday, []).append(f"{start:%H:%M}-{end:%H:%M}")
    names = DAY_ABBREVIATIONS.get(get_language() or "en", DAY_ABBREVIATIONS["en"])
    return "\n".join(f"{names[day]} {', '.join(ranges)}" for day, ranges in by_day.items())


HOURS_HELP = _("One weekday a line, e.g. “Mon 08:00-12:00, 13:00-18:00”. A day left out is closed.")


class WeeklyHoursField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 7, "class": "code"})

    def clean(self, value: Any) -> list[HoursInterval]:
        return parse_weekly_hours(super().clean(value) or "")
