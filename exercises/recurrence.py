"""Recurring assignments: RFC 5545 RRULE text in, due times in UTC out.

We support the recurrences a counselor is offered: daily, weekly on chosen
weekdays, every N weeks (or days), ending on a date, after a count, or not at
all. ``RecurrenceSpec`` is that choice as data; ``serialize`` writes it as a
canonical RRULE (the stored form) and ``parse`` reads one back, so that a
canonical string round-trips unchanged.

Occurrences are computed by python-dateutil on *local, naive* wall-clock
times and only then placed in the couple's time zone and converted to UTC.
That is what keeps "Sundays at 19:00" at 19:00 local across daylight-saving
changes; computing in UTC would drift by an hour twice a year.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from dateutil import rrule as du
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

DAILY, WEEKLY = "DAILY", "WEEKLY"
FREQUENCIES = (DAILY, WEEKLY)
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # index = date.weekday()
MAX_INTERVAL = 52
MAX_COUNT = 500
_UNTIL = re.compile(r"^(\d{8})(?:T(\d{6})Z?)?\Z")


@dataclass(frozen=True)
class RecurrenceSpec:
    freq: str
    interval: int = 1
    weekdays: tuple[int, ...] = field(default=())  # 0 = Monday … 6 = Sunday
    until: date | None = None  # inclusive: the last day an occurrence may fall on
    count: int | None = None

    def __post_init__(self) -> None:
        _check(self)


def _check(spec: RecurrenceSpec) -> None:
    errors = []
    if spec.freq not in FREQUENCIES:
        errors.append(gettext("Repeat daily or weekly."))
    if not 1 <= spec.interval <= MAX_INTERVAL:
        errors.append(gettext("Repeat every 1 to %(most)d days or weeks.") % {"most": MAX_INTERVAL})
    if spec.weekdays and spec.freq != WEEKLY:
        errors.append(gettext("Weekdays can be chosen only for a weekly repeat."))
    if any(day not in range(7) for day in spec.weekdays) or len(set(spec.weekdays)) != len(spec.weekdays):
        errors.append(gettext("Choose each weekday at most once."))
    if list(spec.weekdays) != sorted(spec.weekdays):
        errors.append(gettext("Weekdays must be in order from Monday."))
    if spec.until is not None and spec.count is not None:
        errors.append(gettext("End on a date or after a number of times, not both."))
    if spec.count is not None and not 1 <= spec.count <= MAX_COUNT:
        errors.append(gettext("Repeat from 1 to %(most)d times.") % {"most": MAX_COUNT})
    if errors:
        raise ValidationError({"rrule": errors})


def build(
    *,
    freq: str,
    interval: int = 1,
    weekdays: list[int] | tuple[int, ...] = (),
    until: date | None = None,
    count: int | None = None,
) -> str:
    """The canonical RRULE for a counselor's choice, e.g. every 2 weeks on
    Monday and Thursday, 10 times: ``FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;COUNT=10``."""
    spec = RecurrenceSpec(freq=freq, interval=interval, weekdays=tuple(sorted(set(weekdays))), until=until, count=count)
    return serialize(spec)


def serialize(spec: RecurrenceSpec) -> str:
    parts = [f"FREQ={spec.freq}"]
    if spec.interval != 1:
        parts.append(f"INTERVAL={spec.interval}")
    if spec.weekdays:
        parts.append("BYDAY=" + ",".join(WEEKDAY_CODES[day] for day in spec.weekdays))
    if spec.until is not None:
        # Floating local time at the end of the day: the due time is local,
        # and a date-only UNTIL would mean midnight and drop that day's one.
        parts.append(f"UNTIL={spec.until:%Y%m%d}T235959")
    if spec.count is not None:
        parts.append(f"COUNT={spec.count}")
    return ";".join(parts)


def parse(text: str) -> RecurrenceSpec:
    """The spec an RRULE stands for, or ValidationError({"rrule": ...}) if it
    is malformed or asks for more than the portal offers."""
    text = (text or "").strip()
    text = text.removeprefix("RRULE:")
    if not text:
        raise ValidationError({"rrule": gettext("Choose how often it repeats.")})
    parts: dict[str, str] = {}
    for part in text.split(";"):
        name, sep, value = part.partition("=")
        name = name.strip().upper()
        if not sep or not value or name in parts:
            raise ValidationError({"rrule": gettext("“%(part)s” is not a valid RRULE part.") % {"part": part}})
        parts[name] = value.strip().upper()
    unsupported = set(parts) - {"FREQ", "INTERVAL", "BYDAY", "UNTIL", "COUNT"}
    if unsupported:
        raise ValidationError(
            {"rrule": gettext("Not supported here: %(names)s.") % {"names": ", ".join(sorted(unsupported))}}
        )
    return RecurrenceSpec(
        freq=parts.get("FREQ", ""),
        interval=_parse_int(parts.get("INTERVAL", "1"), "INTERVAL"),
        weekdays=_parse_weekdays(parts.get("BYDAY", "")),
        until=_parse_until(parts["UNTIL"]) if "UNTIL" in parts else None,
        count=_parse_int(parts["COUNT"], "COUNT") if "COUNT" in parts else None,
    )


def normalize(text: str) -> str:
    """The canonical form of an RRULE (what is stored)."""
    return serialize(parse(text))


def _parse_int(value: str, name: str) -> int:
    if not value.isdigit():
        raise ValidationError({"rrule": gettext("%(name)s must be a whole number.") % {"name": name}})
    return int(value)


def _parse_weekdays(value: str) -> tuple[int, ...]:
    if not value:
        return ()
    codes = value.split(",")
    if any(code not in WEEKDAY_CODES for code in codes):
        # Also refuses "1MO" (the first Monday of a month): not offered here.
        raise ValidationError({"rrule": gettext("BYDAY takes weekdays such as MO,TH.")})
    if len(set(codes)) != len(codes):
        raise ValidationError({"rrule": gettext("Choose each weekday at most once.")})
    return tuple(sorted(WEEKDAY_CODES.index(code) for code in codes))


def _parse_until(value: str) -> date:
    match = _UNTIL.match(value)
    try:
        if match:
            return datetime.strptime(match.group(1), "%Y%m%d").date()
    except ValueError:
        pass
    raise ValidationError({"rrule": gettext("UNTIL must be a date such as 20260630.")})


# --- Occurrences ---------------------------------------------------------------


def _rule(spec: RecurrenceSpec, start: datetime) -> du.rrule:
    return du.rrule(
        {DAILY: du.DAILY, WEEKLY: du.WEEKLY}[spec.freq],
        dtstart=start,
        interval=spec.interval,
        byweekday=spec.weekdays or None,
        until=datetime.combine(spec.until, time.max) if spec.until else None,
        count=spec.count,
    )


def local_to_utc(local: datetime, time_zone: str) -> datetime:
    """A naive wall-clock time in ``time_zone``, as an aware UTC datetime.

    A time that does not exist (02:30 on the spring-forward night) comes out
    an hour later in local terms; a time that happens twice (01:30 on the
    fall-back night) is taken at its first occurrence (fold=0)."""
    return local.replace(tzinfo=ZoneInfo(time_zone)).astimezone(UTC)


def occurrences(
    rrule_text: str,
    *,
    starts_on: date,
    due_time: time,
    time_zone: str,
    until: datetime,
) -> Iterator[tuple[int, datetime]]:
    """(sequence, due_at in UTC) for each occurrence from ``starts_on`` up to
    and including the aware datetime ``until``. Sequence numbers count from 1
    at the rule's start, so any window gives the same numbers."""
    spec = parse(rrule_text)
    start = datetime.combine(starts_on, due_time.replace(tzinfo=None, microsecond=0))
    for sequence, local in enumerate(_rule(spec, start), start=1):
        due_at = local_to_utc(local, time_zone)
        if due_at > until:
            return
        yield sequence, due_at


def describe(rrule_text: str) -> str:
    """A short description for pages, in the active language: "every 2 weeks
    on Mon, Thu, 10 times" ("cada 2 semanas los lun, jue, 10 veces")."""
    spec = parse(rrule_text)
    n = spec.interval
    if spec.freq == DAILY:
        text = ngettext("every day", "every %(n)d days", n) % {"n": n}
    else:
        text = ngettext("every week", "every %(n)d weeks", n) % {"n": n}
    if spec.weekdays:
        days = ", ".join(str(WEEKDAYS_ABBR[day]) for day in spec.weekdays)
        text = gettext("%(schedule)s on %(days)s") % {"schedule": text, "days": days}
    if spec.until:
        until = date_format(spec.until, gettext("M j, Y"))
        text = gettext("%(schedule)s until %(date)s") % {"schedule": text, "date": until}
    if spec.count:
        text = ngettext("%(schedule)s, %(count)d time", "%(schedule)s, %(count)d times", spec.count) % {
            "schedule": text,
            "count": spec.count,
        }
    return text
