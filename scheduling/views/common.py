"""What several scheduling pages share: who may open the staff and admin pages
(anyone else gets a 404), a practice admin's office and counselor filters,
and how times are laid out by day."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import Http404
from django.utils.text import get_text_list
from django.utils.translation import gettext

from accounts.models import User
from portal import horizon, policy
from portal.http import AuthenticatedHttpRequest
from scheduling import selectors, slots
from scheduling.models import Location, Weekday
from scheduling.public_display import clock_label


def staff_only(request: AuthenticatedHttpRequest) -> User:
    if not policy.can_book_appointments(request.user):
        raise Http404
    return request.user


def admin_only(request: AuthenticatedHttpRequest) -> User:
    if not policy.is_practice_admin(request.user):
        raise Http404
    return request.user


@dataclass(frozen=True)
class OfficeFilters:
    """A practice admin's choice of one office and/or one counselor, with the
    menus to change it: the counselor menu lists the chosen office's
    counselors only (600 names for a whole large practice is no menu)."""

    locations: list[Location]
    location: Location | None
    counselors: list[User]
    counselor: User | None


def office_filters(request: AuthenticatedHttpRequest, *, default_to_first: bool) -> OfficeFilters:
    """From ?location=<slug>&counselor=<id>. A counselor named without an
    office is looked up on their own (a schedule's "Calendar" link); with
    neither, the first active office when `default_to_first`."""
    locations = list(selectors.locations_active())
    location = next((place for place in locations if place.slug == request.GET.get("location")), None)
    wanted = request.GET.get("counselor")
    counselor = None
    if location is None:
        counselor = selectors.counselor_bookable(wanted)
        if counselor is None and default_to_first and locations:
            location = locations[0]
    if location is None:
        return OfficeFilters(locations, None, [counselor] if counselor else [], counselor)
    counselors = list(selectors.counselors_at(location))
    counselor = counselor or next((c for c in counselors if str(c.pk) == wanted), None)
    return OfficeFilters(locations, location, counselors, counselor)


def parse_day(value: str | None) -> date:
    return horizon.parse_day(value)


def week_rows(location: Location) -> list[tuple[str, list[str]]]:
    """Monday to Sunday with the location's (prefetched) opening hours, wall-clock in its time zone."""
    by_day: dict[int, list[str]] = defaultdict(list)
    for hours in location.opening_hours.all():
        by_day[hours.weekday].append(f"{clock_label(hours.opens)}–{clock_label(hours.closes)}")
    return [(str(label), by_day.get(value, [])) for value, label in Weekday.choices]


def slot_days(found: list[slots.Slot], tz: Any = None) -> list[tuple[date, list[slots.Slot]]]:
    """Slots by day: the location's day, or the day in `tz` (a client's own time zone)."""
    by_day: dict[date, list[slots.Slot]] = defaultdict(list)
    for slot in found:
        by_day[(slot.start.astimezone(tz) if tz else slot.start).date()].append(slot)
    return sorted(by_day.items())


SlotDay = tuple[date, str, bool, list[tuple[slots.Slot, Location]]]


def folded_slot_days(found: list[slots.Slot], locations: dict[int, Location], tz: Any = None) -> list[SlotDay]:
    """One folded section a day, so two weeks of times stay usable on a phone:
    (day, its office names, whether it has several, [(slot, office)])."""
    folded = []
    for day, day_slots in slot_days(found, tz):
        places = sorted({locations[slot.location_id].name for slot in day_slots})
        rows = [(slot, locations[slot.location_id]) for slot in day_slots]
        folded.append((day, str(get_text_list(places, gettext("and"))), len(places) > 1, rows))
    return folded
