"""The practice's offices: creating, editing, opening hours and (de)activating
them, and the weekly hours intervals (HoursInterval) that opening and
working hours are given as. Practice admins only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext

from accounts.models import AuditAction, User
from accounts.services import audit_record
from portal import policy
from portal.errors import require
from scheduling.models import (
    Location,
    OpeningHours,
)

LOCATION_FIELDS = (
    "name",
    "slug",
    "kind",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "phone",
    "time_zone",
)


@dataclass(frozen=True)
class HoursInterval:
    weekday: int
    start: time
    end: time


def _check_intervals(intervals: Sequence[HoursInterval], field: str) -> None:
    """Each interval starts before it ends, and intervals on one day do not overlap."""
    errors = []
    by_day: dict[int, list[HoursInterval]] = {}
    for interval in intervals:
        if not 0 <= interval.weekday <= 6:
            errors.append(gettext("%(day)s is not a weekday (0 is Monday, 6 Sunday).") % {"day": interval.weekday})
        elif interval.start >= interval.end:
            span = f"{interval.start:%H:%M}-{interval.end:%H:%M}"
            errors.append(gettext("%(span)s: the start must come before the end.") % {"span": span})
        by_day.setdefault(interval.weekday, []).append(interval)
    for day in by_day.values():
        day.sort(key=lambda i: i.start)
        for earlier, later in pairwise(day):
            if later.start < earlier.end:
                errors.append(
                    gettext("%(first)s and %(second)s overlap.")
                    % {
                        "first": f"{earlier.start:%H:%M}-{earlier.end:%H:%M}",
                        "second": f"{later.start:%H:%M}-{later.end:%H:%M}",
                    }
                )
    if errors:
        raise ValidationError({field: errors})


@transaction.atomic
def location_create(*, actor: User, fields: dict[str, Any], opening_hours: Sequence[HoursInterval] = ()) -> Location:
    require(policy.can_manage_locations(actor), gettext("Only practice admins manage locations."))
    unknown = set(fields) - set(LOCATION_FIELDS)
    if unknown:
        raise ValidationError({name: gettext("This field cannot be set.") for name in sorted(unknown)})
    location = Location(**fields)
    if not location.slug:
        location.slug = slugify(location.name)
    location.full_clean()
    location.save()
    if opening_hours:
        _replace_opening_hours(location, opening_hours)
    audit_record(actor=actor, action=AuditAction.LOCATION_CREATED, target=location, name=location.name)
    return location


@transaction.atomic
def location_update(*, actor: User, location: Location, fields: dict[str, Any]) -> Location:
    require(policy.can_manage_locations(actor), gettext("Only practice admins manage locations."))
    unknown = set(fields) - set(LOCATION_FIELDS)
    if unknown:
        raise ValidationError({name: gettext("This field cannot be set.") for name in sorted(unknown)})
    changed = {name: value for name, value in fields.items() if getattr(location, name) != value}
    for name, value in changed.items():
        setattr(location, name, value)
    location.full_clean()
    location.save()
    audit_record(actor=actor, action=AuditAction.LOCATION_UPDATED, target=location, fields=sorted(changed))
    return location


def _replace_opening_hours(location: Location, intervals: Sequence[HoursInterval]) -> None:
    _check_intervals(intervals, "opening_hours")
    OpeningHours.objects.filter(location=location).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(location=location, weekday=i.weekday, opens=i.start, closes=i.end) for i in intervals
    )


@transaction.atomic
def location_set_opening_hours(*, actor: User, location: Location, intervals: Sequence[HoursInterval]) -> Location:
    """Replace the location's weekly opening hours (a weekday without intervals is closed)."""
    require(policy.can_manage_locations(actor), gettext("Only practice admins manage locations."))
    _replace_opening_hours(location, intervals)
    audit_record(
        actor=actor,
        action=AuditAction.LOCATION_HOURS_SET,
        target=location,
        hours=[[i.weekday, f"{i.start:%H:%M}", f"{i.end:%H:%M}"] for i in intervals],
    )
    return location


@transaction.atomic
def location_deactivate(*, actor: User, location: Location) -> Location:
    """Take no new appointments there; its past and booked appointments stay as they are."""
    require(policy.can_manage_locations(actor), gettext("Only practice admins manage locations."))
    location.is_active = False
    location.save(update_fields=["is_active"])
    audit_record(actor=actor, action=AuditAction.LOCATION_DEACTIVATED, target=location)
    return location


@transaction.atomic
def location_activate(*, actor: User, location: Location) -> Location:
    require(policy.can_manage_locations(actor), gettext("Only practice admins manage locations."))
    location.is_active = True
    location.save(update_fields=["is_active"])
    audit_record(actor=actor, action=AuditAction.LOCATION_ACTIVATED, target=location)
    return location
