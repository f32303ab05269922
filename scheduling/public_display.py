"""What the public pages compute from an office's data, as pure functions
(no database, no clock: the caller passes `now`): whether an office is open
now and its hours today, in the office's own time zone, and where each office
sits on the offices map the portal draws itself (inline SVG, no tiles).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

# (weekday as date.weekday(), opens, closes): wall-clock in the office's zone.
HoursRow = tuple[int, time, time]


def clock_label(value: time) -> str:
    """9:00 AM, 12:30 PM: how the public pages write a time of day."""
    return f"{value:%-I:%M %p}"


@dataclass(frozen=True)
class OfficeToday:
    """An office's day as a visitor sees it, at the office."""

    is_open: bool
    weekday: int
    intervals: tuple[str, ...]  # "8:00 AM–7:00 PM", in the office's zone; empty when closed all day
    closes_at: str  # when it is open: the end of the current interval, else ""


def office_today(hours: Iterable[HoursRow], tz: ZoneInfo, now: datetime) -> OfficeToday:
    """Open now and today's hours, both judged on the office's wall clock (`now` must be aware).

    A visitor in another zone still reads the office's own hours: they are
    printed with the zone, and "open now" is the same answer for everyone.
    """
    local = now.astimezone(tz)
    today = sorted((opens, closes) for weekday, opens, closes in hours if weekday == local.weekday())
    wall = local.time().replace(tzinfo=None)
    current = next(((opens, closes) for opens, closes in today if opens <= wall < closes), None)
    return OfficeToday(
        is_open=current is not None,
        weekday=local.weekday(),
        intervals=tuple(f"{clock_label(opens)}–{clock_label(closes)}" for opens, closes in today),
        closes_at=clock_label(current[1]) if current else "",
    )


# ---------------------------------------------------------------- the offices map

MAP_WIDTH = 640
MAP_HEIGHT = 420
MAP_PADDING = 28  # room for a marker's circle and its number at the edges


@dataclass(frozen=True)
class MapPlace:
    """An office that has coordinates: what the map needs of it."""

    number: int  # its number on the map and in the list beside it (1, 2, ...)
    name: str
    slug: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class MapMarker:
    place: MapPlace
    x: float
    y: float


@dataclass(frozen=True)
class OfficeMap:
    width: int
    height: int
    markers: tuple[MapMarker, ...]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def map_places(offices: Iterable[tuple[str, str, Decimal | float | None, Decimal | float | None]]) -> list[MapPlace]:
    """(name, slug, latitude, longitude) -> the places to draw, numbered in the given order;
    an office without coordinates is left off (it is still in the page's text list)."""
    located = [(name, slug, lat, lon) for name, slug, lat, lon in offices if lat is not None and lon is not None]
    return [
        MapPlace(number, name, slug, float(lat), float(lon))
        for number, (name, slug, lat, lon) in enumerate(located, start=1)
    ]


def project(
    places: Sequence[MapPlace], *, width: int = MAP_WIDTH, height: int = MAP_HEIGHT, padding: int = MAP_PADDING
) -> OfficeMap:
    """Equirectangular projection fitted to the places' bounding box.

    Longitude is shrunk by the cosine of the box's middle latitude so that
    distances east-west and north-south keep their proportion (at 47°N a
    degree of longitude is two thirds of a degree of latitude); one scale for
    both axes, the drawing centred in the padded box. A single place, or
    places all at one point, sit in the middle.
    """
    if not places:
        return OfficeMap(width, height, ())
    lats = [p.latitude for p in places]
    lons = [p.longitude for p in places]
    shrink = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = (max(lons) - min(lons)) * shrink
    span_y = max(lats) - min(lats)
    inner_w, inner_h = width - 2 * padding, height - 2 * padding
    scale = min(inner_w / span_x if span_x else math.inf, inner_h / span_y if span_y else math.inf)
    if scale == math.inf:
        scale = 0.0
    # Centre the drawing: what the fitted axis does not fill is shared on both sides.
    offset_x = padding + (inner_w - span_x * scale) / 2
    offset_y = padding + (inner_h - span_y * scale) / 2
    markers = tuple(
        MapMarker(
            place,
            round(offset_x + (place.longitude - min(lons)) * shrink * scale, 1),
            round(offset_y + (max(lats) - place.latitude) * scale, 1),
        )
        for place in places
    )
    return OfficeMap(width, height, markers)
