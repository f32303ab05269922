"""How scheduling services refuse a time that is taken: the conflicts found, as a
ServiceConflict (409 on the API, a form error on a page) whose body lists who
is booked then and, for a series, which dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext

from portal.errors import ServiceConflict


@dataclass(frozen=True)
class Conflict:
    """An existing appointment that takes the time of someone a booking needs."""

    appointment_id: int
    person: str  # whose time is taken: the counselor or a partner, never another couple
    start: datetime
    end: datetime

    def describe(self, tz: Any) -> str:
        start, end = self.start.astimezone(tz), self.end.astimezone(tz)
        return gettext("%(person)s already has an appointment on %(day)s from %(start)s to %(end)s") % {
            "person": self.person,
            "day": date_format(start, gettext("l j F Y")),
            "start": f"{start:%H:%M}",
            "end": f"{end:%H:%M}",
        }


class AppointmentConflict(ServiceConflict):
    """The time is taken; the API answers 409 with `message` and who is booked then."""

    def __init__(self, message: str, conflicts: Sequence[Conflict] = ()) -> None:
        super().__init__(message)
        self.conflicts = list(conflicts)

    def body(self) -> dict[str, Any]:
        return {
            "detail": self.message,
            "conflicts": [{"person": c.person, "start": c.start, "end": c.end} for c in self.conflicts],
        }

    def api_body(self) -> dict[str, Any]:
        # Imported here: the services do not depend on the API layer; only
        # the 409 answer is written through its serializer (times as the API
        # writes them everywhere else).
        from scheduling.serializers import ConflictSerializer

        return ConflictSerializer(self.body()).data


class SeriesConflict(AppointmentConflict):
    """Some occurrences of a series are taken; nothing was saved."""

    def __init__(self, message: str, conflicts: Sequence[Conflict], dates: Sequence[date]) -> None:
        super().__init__(message, conflicts)
        self.dates = list(dates)

    def body(self) -> dict[str, Any]:
        return {**super().body(), "dates": self.dates}
