"""How numbers read in the pack and on the web pages (one set of rules): `None` is "no data", never 0."""

from __future__ import annotations

from typing import Any


def format_value(value: Any, unit: str | None = None) -> str:
    """How a number reads in the pack and on the pages; `None` is 'no data', never 0."""
    if value is None:
        return "no data"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, int | float):
        return str(value)
    if unit in {"ratio", "share"}:
        return f"{value:.1%}"
    if unit == "%":
        return f"{value:,.1f}%"
    number = f"{value:,.0f}" if isinstance(value, int) or abs(value) >= 1000 else f"{value:,.2f}"
    if unit == "USD":
        return f"${number}"
    return f"{number} {unit}" if unit and unit not in {"count", "accounts", "users"} else number


def format_change(pct: Any) -> str:
    return "–" if pct is None else f"{pct:+.1%}"
