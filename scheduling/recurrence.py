"""Weekly and every-other-week series as RFC 5545 RRULEs.

Occurrences are expanded in the location's wall-clock time, so a 10:00
Tuesday session stays at 10:00 across a daylight-saving change (its UTC
time moves instead).
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

# A year of weekly sessions; anything longer is surely a typo.
MAX_OCCURRENCES = 52


def weekly_rule(*, interval_weeks: int, until: date | None, count: int | None, tz: zoneinfo.ZoneInfo) -> str:
    """An RRULE (without DTSTART) for every `interval_weeks` weeks, ending on `until` or after `count`."""
    if interval_weeks not in (1, 2):
        raise ValidationError({"interval_weeks": gettext("Choose weekly or every other week.")})
    if (until is None) == (count is None):
        raise ValidationError({"until": gettext("Give either an end date or a number of sessions, not both.")})
    rule = f"FREQ=WEEKLY;INTERVAL={interval_weeks}"
    if count is not None:
        if not 1 <= count <= MAX_OCCURRENCES:
            raise ValidationError(
                {"count": gettext("A series has between 1 and %(most)s sessions.") % {"most": MAX_OCCURRENCES}}
            )
        return f"{rule};COUNT={count}"
    assert until is not None
    # RFC 5545: with a zoned DTSTART, UNTIL is in UTC. The series ends with
    # the last moment of the end date in the location's time zone.
    end_of_day = datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz) - timedelta(seconds=1)
    return f"{rule};UNTIL={end_of_day.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def occurrences(rule: str, first_start: datetime, tz: zoneinfo.ZoneInfo) -> list[datetime]:
    """The start of each occurrence, aware in `tz`, first one included."""
    local_first = first_start.astimezone(tz)
    starts: list[datetime] = []
    for occurrence in rrulestr(rule, dtstart=local_first):
        if len(starts) == MAX_OCCURRENCES:
            raise ValidationError(
                {"until": gettext("A series has at most %(most)s sessions.") % {"most": MAX_OCCURRENCES}}
            )
        # dateutil keeps the wall-clock time and the zone; normalise the
        # offset for the occurrence's own date.
        starts.append(occurrence.astimezone(UTC).astimezone(tz))
    if not starts:
        raise ValidationError({"until": gettext("The end date is before the first session.")})
    return starts
