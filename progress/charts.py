"""Server-side SVG charts (no script): each partner's scores over time on one chart.

The SVG scales with its container (viewBox, width 100%), names itself with
<title> and <desc>, and tells the partners apart by line style and marker
shape as well as colour. Pages put a table of the same figures beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from html import escape

from django.utils.dateformat import format as date_format
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 64
# Colour, dash pattern and marker per series, so the lines differ without colour too.
STYLES = [("#2b5f75", "", "circle"), ("#b4481e", "6 4", "square")]


@dataclass(frozen=True)
class Series:
    name: str
    points: list[tuple[datetime, Decimal]]


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _score_text(value: Decimal | float) -> str:
    # In the reader's number format: "2.67" in English, "2,67" in Spanish.
    return number_format(Decimal(f"{Decimal(str(value)).normalize():f}"))


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{_fmt(x - 4)}" y="{_fmt(y - 4)}" width="8" height="8" fill="{colour}"/>'
    return f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="4.5" fill="{colour}"/>'


def _ticks(low: float, high: float) -> list[float]:
    span = high - low
    step = 1.0 if span <= 6 else 5.0 if span <= 30 else 10.0
    first = step * -(-low // step)
    ticks, value = [], first
    while value <= high + 1e-9:
        ticks.append(value)
        value += step
    return ticks


def score_chart(
    *,
    chart_id: str,
    title: str,
    series: list[Series],
    y_min: float,
    y_max: float,
    start: datetime,
    end: datetime,
) -> SafeString:
    """An accessible line chart of score series between ``start`` and ``end``."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    all_times = [when for s in series for when, _ in s.points]
    start = min([start, *all_times])
    end = max([end, *all_times])
    span = max((end - start).total_seconds(), 1.0)
    y_span = max(y_max - y_min, 1e-9)

    def x_of(when: datetime) -> float:
        return LEFT + plot_w * (when - start).total_seconds() / span

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - (value - y_min) / y_span)

    day = gettext("M j")  # a short date in the reader's order ("Oct 26", "26 oct")
    summary = "; ".join(
        f"{s.name}: "
        + (", ".join(f"{date_format(when, day)} {_score_text(v)}" for when, v in s.points) or gettext("no scores"))
        for s in series
    )
    description = gettext("Scores from %(low)s to %(high)s over time.") % {"low": f"{y_min:g}", "high": f"{y_max:g}"}
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)} {escape(summary)}.</desc>',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="#d3dae1"/>',
    ]
    for tick in _ticks(y_min, y_max):
        y = y_of(tick)
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{_fmt(y)}" y2="{_fmt(y)}" stroke="#e4e9ee"/>')
        parts.append(
            f'<text x="{LEFT - 8}" y="{_fmt(y + 5)}" text-anchor="end" font-size="14" fill="#52606d">{tick:g}</text>'
        )
    for i in range(4):
        when = start + (end - start) * i / 3
        anchor = ("start", "middle", "middle", "end")[i]
        parts.append(
            f'<text x="{_fmt(x_of(when))}" y="{TOP + plot_h + 22}" text-anchor="{anchor}" font-size="14" '
            f'fill="#52606d">{date_format(when, day)}</text>'
        )
    legend_x = LEFT
    for index, s in enumerate(series):
        colour, dash, shape = STYLES[index % len(STYLES)]
        coords = [(x_of(when), y_of(float(value))) for when, value in s.points]
        if len(coords) > 1:
            path = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in coords)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
        parts += [_marker(shape, x, y, colour) for x, y in coords]
        legend_y = HEIGHT - 14
        parts.append(_marker(shape, legend_x + 6, legend_y - 5, colour))
        parts.append(f'<text x="{legend_x + 16}" y="{legend_y}" font-size="14" fill="#1f2933">{escape(s.name)}</text>')
        legend_x += 24 + 9 * len(s.name)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  # every text in it is escaped above
