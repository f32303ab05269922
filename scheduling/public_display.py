"""What the public pages compute from an office's data, as pure functions
(no database, no clock: the caller passes `now`): whether an office is open
now and its hours today, in the office's own time zone, and where each office
sits on the offices map the portal draws itself (inline SVG, no tiles).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.dateformat import time_format
from django.utils.translation import gettext

# (weekday as date.weekday(), opens, closes): wall-clock in the office's zone.
HoursRow = tuple[int, time, time]


def clock_label(value: time) -> str:
    """9:00 AM, 12:30 PM: how the public pages write a time of day (in Spanish, 09:00 and 12:30)."""
    return time_format(value, gettext("g:i A"))


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
MARKER_GAP = 26  # centre to centre: two markers of radius 12 and a sliver between


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
    """Where a place's numbered marker is drawn (x, y) and where the place really is (anchor):
    they differ when markers too close to read were spread apart."""

    place: MapPlace
    x: float
    y: float
    anchor_x: float
    anchor_y: float

    @property
    def is_moved(self) -> bool:
        return (self.x, self.y) != (self.anchor_x, self.anchor_y)


@dataclass(frozen=True)
class GridLine:
    """A whole degree of latitude (horizontal) or longitude (vertical) crossing the map, to read it by."""

    x1: float
    y1: float
    x2: float
    y2: float
    label: str  # 47°N, 122°W


@dataclass(frozen=True)
class OfficeMap:
    width: int
    height: int
    markers: tuple[MapMarker, ...]
    grid: tuple[GridLine, ...] = ()

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

    def x_of(longitude: float) -> float:
        return round(offset_x + (longitude - min(lons)) * shrink * scale, 1)

    def y_of(latitude: float) -> float:
        return round(offset_y + (max(lats) - latitude) * scale, 1)

    anchors = [(x_of(place.longitude), y_of(place.latitude)) for place in places]
    drawn = spread(anchors, gap=MARKER_GAP, box=(padding, padding, width - padding, height - padding))
    markers = tuple(
        MapMarker(place, x, y, anchor_x, anchor_y)
        for place, (x, y), (anchor_x, anchor_y) in zip(places, drawn, anchors, strict=True)
    )
    return OfficeMap(width, height, markers, _graticule(x_of, y_of, width, height) if scale else ())


def spread(
    points: Sequence[tuple[float, float]], *, gap: float, box: tuple[float, float, float, float], rounds: int = 200
) -> list[tuple[float, float]]:
    """Push apart points closer than `gap` (offices a few streets apart would hide
    each other's numbers), keeping them inside `box` (left, top, right, bottom).

    Each round moves every pair that overlaps apart along the line between
    them, each by half the overlap; points at the same spot part at an angle
    fixed by their order, so the drawing is the same on every page load.
    Stops when nothing overlaps or after `rounds` (a crowd bigger than the
    box can hold stays as close as it got).
    """
    left, top, right, bottom = box
    moved = [[x, y] for x, y in points]
    for _ in range(rounds):
        overlapping = False
        for i in range(len(moved)):
            for j in range(i + 1, len(moved)):
                dx, dy = moved[j][0] - moved[i][0], moved[j][1] - moved[i][1]
                distance = math.hypot(dx, dy)
                if distance >= gap - 0.01:
                    continue
                overlapping = True
                if distance < 1e-6:
                    angle = (i * 7 + j * 3) * 0.9
                    dx, dy, distance = math.cos(angle), math.sin(angle), 1.0
                push = (gap - distance) / 2 + 0.05
                ux, uy = dx / distance, dy / distance
                moved[i][0] -= ux * push
                moved[i][1] -= uy * push
                moved[j][0] += ux * push
                moved[j][1] += uy * push
        for point in moved:
            point[0] = min(max(point[0], left), right)
            point[1] = min(max(point[1], top), bottom)
        if not overlapping:
            break
    return [(round(x, 1), round(y, 1)) for x, y in moved]


def _graticule(
    x_of: Callable[[float], float], y_of: Callable[[float], float], width: int, height: int
) -> tuple[GridLine, ...]:
    """The whole degrees that fall inside the map (at most a dozen each way; a wider map has no grid)."""
    lines: list[GridLine] = []
    # Invert the projection at the map's edges to find which degrees cross it.
    lat_top, lat_bottom = _solve(y_of, 0), _solve(y_of, height)
    lon_left, lon_right = _solve(x_of, 0), _solve(x_of, width)
    latitudes = range(math.ceil(lat_bottom), math.floor(lat_top) + 1)
    longitudes = range(math.ceil(lon_left), math.floor(lon_right) + 1)
    if len(latitudes) > 12 or len(longitudes) > 12:
        return ()
    for lat in latitudes:
        lines.append(GridLine(0, y_of(lat), width, y_of(lat), f"{abs(lat)}°{'N' if lat >= 0 else 'S'}"))
    for lon in longitudes:
        lines.append(GridLine(x_of(lon), 0, x_of(lon), height, f"{abs(lon)}°{'E' if lon >= 0 else 'W'}"))
    return tuple(lines)


def _solve(axis: Callable[[float], float], target: float) -> float:
    """The coordinate that the (linear) axis maps onto `target`, from two of its values."""
    at_zero, at_one = axis(0.0), axis(1.0)
    return (target - at_zero) / (at_one - at_zero)
