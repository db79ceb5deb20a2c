"""Terminal tables: a change coloured by the metric's direction, and full width when piped."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

PIPED_WIDTH = 1000  # piped output is read by tools and people scrolling: never cut a column short
STYLES = {"good": "green", "bad": "red"}


def wide(console: Console) -> Console:
    """The console to print a table on: this one on a terminal; when piped, one without a width limit."""
    if console.is_terminal:
        return console
    from rich.console import Console  # inside: only a table printer pays for Rich

    return Console(file=console.file, width=PIPED_WIDTH, color_system=None, highlight=False)


def coloured(cells: list[str], columns: list[str], direction: Any, change: float | None) -> list[str]:
    """Change cells in green when the metric moved the way it should, red when against it."""
    from headway.analysis.verdict import verdict  # inside: the analysis package imports the engine

    style = STYLES.get(verdict(getattr(direction, "value", direction), change) or "")
    if style is None:
        return cells
    changes = ("change", "change_pct")
    return [f"[{style}]{c}[/]" if name in changes else c for c, name in zip(cells, columns, strict=True)]
