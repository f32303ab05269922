"""One date and time horizon for the whole portal: from 2000-01-01 to ten
years ahead. Nothing a person plans here falls outside it, and a date at
either end of the calendar (year 1, year 9999) overflows the moment a day or
a time zone is added to it. Every form and serializer date field checks it
(portal.apps installs the validator on Django's, DRF's and django-filter's
date and date-time fields), and views that read a date from the query string
use parse_day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext

EARLIEST = date(2000, 1, 1)
YEARS_AHEAD = 10
# PostgreSQL's timestamptz takes offsets up to +/-15:59, Python's up to 23:59.
MAX_OFFSET = timedelta(hours=15, minutes=59)


def latest() -> date:
    return timezone.localdate() + relativedelta(years=YEARS_AHEAD)


def within(day: date) -> bool:
    return EARLIEST <= day <= latest()


def validate_date(value: date | datetime) -> None:
    """Django validator for dates and date-times (a 400 or form error naming the field)."""
    day = value.date() if isinstance(value, datetime) else value
    if not within(day):
        raise ValidationError(
            gettext("Choose a date between %(earliest)s and %(latest)s.")
            % {"earliest": formats.date_format(EARLIEST), "latest": formats.date_format(latest())},
            code="outside_horizon",
        )
    offset = value.utcoffset() if isinstance(value, datetime) else None
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise ValidationError(gettext("Give a time-zone offset between -15:59 and +15:59."), code="offset")


def parse_day(value: str | None, *, default: date | None = None) -> date:
    """A YYYY-MM-DD query parameter; today (or default) when missing, malformed or outside the horizon."""
    fallback = default or timezone.localdate()
    try:
        day = date.fromisoformat(value) if value else fallback
    except ValueError:
        return fallback
    return day if within(day) else fallback
