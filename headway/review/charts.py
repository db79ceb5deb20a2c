"""Static SVG charts for the pack: drawn once on the page, nothing to load, printable as they are.

Only presentation: scaling given values to pixels. A missing value leaves a gap (never a zero);
a period not over is drawn as a hollow point.
"""

from __future__ import annotations

from html import escape
from typing import Any

from markupsafe import Markup

from headway.review.formats import format_value

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WIDTH, HEIGHT, PAD, AXIS = 300, 96, 6, 12  # AXIS: the strip under the plot for the first and last period


def line_chart(
    points: list[dict[str, Any]],
    *,
    band: tuple[str, str] | None = None,
    target: float | None = None,
    label: str = "",
    unit: str | None = None,
) -> Markup:
    """`points`: [{"period", "value", "complete"}]; `band` shades the periods from..to (ISO text, inclusive).

    The highest and lowest values drawn are written on the left, the first and last periods below.
    """
    values = [float(p["value"]) for p in points if p["value"] is not None]
    if not values:
        return Markup('<p class="nodata">no data in these months</p>')
    scale = [*values, *([target] if target is not None else [])]
    low, high = min(scale), max(scale)
    span = high - low or abs(high) or 1.0
    low, high = low - span * 0.08, high + span * 0.08
    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)

    def x(i: int) -> float:
        return PAD + i * step

    def y(v: float) -> float:
        return HEIGHT - AXIS - PAD - (v - low) / (high - low) * (HEIGHT - AXIS - 2 * PAD)

    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}">']
    if band is not None:
        inside = [i for i, p in enumerate(points) if band[0] <= p["period"] <= band[1]]
        if inside:
            left, right = x(inside[0]) - step / 2, x(inside[-1]) + step / 2
            left, right = max(left, 0), min(right, WIDTH)
            size = f'width="{right - left:.1f}" height="{HEIGHT - AXIS}"'
            parts.append(f'<rect class="band" x="{left:.1f}" y="0" {size}/>')
    if target is not None:
        parts.append(f'<line class="target" x1="0" x2="{WIDTH}" y1="{y(target):.1f}" y2="{y(target):.1f}"/>')
    for run in _runs(points):
        path = " ".join(f"{x(i):.1f},{y(float(points[i]['value'])):.1f}" for i in run)
        parts.append(f'<polyline class="line" points="{path}"/>')
    for i, p in enumerate(points):
        if p["value"] is not None:
            kind = "dot" if p.get("complete", True) else "dot open"
            parts.append(f'<circle class="{kind}" cx="{x(i):.1f}" cy="{y(float(p["value"])):.1f}" r="2.4"/>')
    top, bottom = max(values), min(values)
    parts.append(f'<text class="tick" x="{PAD}" y="{y(top) - 3:.1f}">{escape(format_value(top, unit))}</text>')
    if bottom != top:
        parts.append(
            f'<text class="tick" x="{PAD}" y="{y(bottom) + 9:.1f}">{escape(format_value(bottom, unit))}</text>'
        )
    first, last = _month(points[0]["period"]), _month(points[-1]["period"])
    parts.append(f'<text class="tick" x="{PAD}" y="{HEIGHT - 2}">{first}</text>')
    parts.append(f'<text class="tick end" x="{WIDTH - PAD}" y="{HEIGHT - 2}">{last}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _month(period: str) -> str:
    """`2026-07-01` -> `Jul 2026`."""
    year, month = int(period[:4]), int(period[5:7])
    return f"{MONTHS[month - 1]} {year}"


def _runs(points: list[dict[str, Any]]) -> list[list[int]]:
    """Consecutive indices with a value: each is one unbroken line."""
    runs: list[list[int]] = [[]]
    for i, p in enumerate(points):
        if p["value"] is None:
            runs.append([])
        else:
            runs[-1].append(i)
    return [r for r in runs if len(r) > 1]
