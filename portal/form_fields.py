"""Form fields the staff and client pages share: a person chosen by name, a time zone.

A person in a <select> reads as their name; only when two options share a
name does the e-mail follow it, "Name (e-mail)", so the two can be told apart.

A time zone is one select everywhere: the practice's zone and the common US
zones first, with friendly labels, then every other IANA zone grouped by
region. static/js/tz-search.js adds a box that filters the options; without
it the select works as it is. The stored value is the IANA name.
"""

from __future__ import annotations

import zoneinfo
from collections import Counter
from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _


def _person_name(user: Any) -> str:
    return (getattr(user, "full_name", "") or "").strip() or user.email


class _PersonChoiceIterator(ModelChoiceIterator):
    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        people = list(self.queryset)
        shared = Counter(_person_name(person).casefold() for person in people)
        for person in people:
            name = _person_name(person)
            label = f"{name} ({person.email})" if shared[name.casefold()] > 1 and name != person.email else name
            yield (ModelChoiceIteratorValue(self.field.prepare_value(person), person), label)


class PersonChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField over users whose options read as names."""

    iterator = _PersonChoiceIterator

    def label_from_instance(self, obj: Any) -> str:
        return _person_name(obj)


class PersonMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = _PersonChoiceIterator

    def label_from_instance(self, obj: Any) -> str:
        return _person_name(obj)


# The common US zones, in the order people look for them.
US_ZONES = (
    ("America/Los_Angeles", _("Pacific time (Los Angeles, Seattle)")),
    ("America/Denver", _("Mountain time (Denver, Salt Lake City)")),
    ("America/Phoenix", _("Arizona time (Phoenix, no daylight saving)")),
    ("America/Chicago", _("Central time (Chicago, Dallas)")),
    ("America/New_York", _("Eastern time (New York, Atlanta)")),
    ("America/Anchorage", _("Alaska time (Anchorage)")),
    ("Pacific/Honolulu", _("Hawaii time (Honolulu)")),
)
_US_LABELS = dict(US_ZONES)


def zone_label(name: str) -> str:
    """A zone's label: "America/Argentina/Buenos_Aires" → "Argentina / Buenos Aires"."""
    if name in _US_LABELS:
        return str(_US_LABELS[name])
    return " / ".join(name.replace("_", " ").split("/")[1:]) or name


def practice_time_zone() -> str:
    return settings.PRACTICE_TIME_ZONE


def time_zone_choices() -> list[tuple[str, Any]]:
    """The practice's zone and the US zones first, then the rest by region."""
    practice = practice_time_zone()
    first = [(practice, gettext("%(zone)s — the practice's time zone") % {"zone": zone_label(practice)})]
    first += [(name, str(label)) for name, label in US_ZONES if name != practice]
    taken = {name for name, _label in first}
    regions: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(zoneinfo.available_timezones()):
        if "/" not in name or name in taken or name.startswith(("Etc/", "SystemV/", "US/")):
            continue
        regions.setdefault(name.split("/", 1)[0], []).append((name, zone_label(name)))
    return [(pgettext("time zones", "Common"), first), *sorted(regions.items())]


class TimeZoneSelect(forms.Select):
    """The select, marked for static/js/tz-search.js, and that script."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"data-zone-search": "", **(attrs or {})})

    def render(self, *args: Any, **kwargs: Any) -> SafeString:
        script = format_html('<script src="{}" defer></script>', static("js/tz-search.js"))
        return mark_safe(super().render(*args, **kwargs) + script)  # noqa: S308 (both parts are escaped)


class TimeZoneField(forms.ChoiceField):
    """An IANA time zone. Any known zone is accepted, the ones listed or not."""

    widget = TimeZoneSelect

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Time zone"))
        super().__init__(choices=time_zone_choices, **kwargs)

    def valid_value(self, value: str) -> bool:
        return value in zoneinfo.available_timezones()
