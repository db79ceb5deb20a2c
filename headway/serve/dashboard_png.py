"""A dashboard panel as a PNG from the command line: the panel's JSON drawn with Plotly, rendered by Kaleido.

Kaleido drives the system's Chromium (or Chrome) headless and loads nothing from the network, so it
works offline. The browser's PNG button draws the same panel with Plotly.js on the page; this is
the path for scripts. Line panels become the same chart; KPI, table and tree panels a table.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

from headway.errors import HeadwayError
from headway.review.formats import format_change, format_value

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")
WIDTH, HEIGHT = 1000, 420
KPI_COLUMNS = ["metric", "period", "value", "n", "compare_value", "change_pct"]  # a card: the last complete period
HIDDEN = ("reason", "compare_complete", "summary")
DORA_COLUMNS = ["label", "metric", "period", "value", "n", "band", "trend"]


class NoBrowser(HeadwayError):
    code = "no_browser"
    status = 500


def panel_png(panel: dict[str, Any]) -> bytes:
    """The panel as PNG bytes."""
    browser = os.environ.get("BROWSER_PATH") or next(filter(None, map(shutil.which, BROWSERS)), None)
    if browser is None:
        raise NoBrowser(
            "a PNG needs Chromium or Chrome, and neither is installed",
            "Install it (`apt-get install -y chromium`), or use the PNG button on the dashboard's page.",
        )
    os.environ["BROWSER_PATH"] = browser  # where Kaleido's browser driver looks
    figure = _figure(panel)
    image: bytes = figure.to_image(format="png", width=WIDTH, height=HEIGHT)
    return image


def _figure(panel: dict[str, Any]) -> Any:
    import plotly.graph_objects as go

    if panel["type"] == "line" and panel["rows"]:
        figure = go.Figure([go.Scatter(x=x, y=y, name=name, mode="lines+markers") for name, x, y in _series(panel)])
        for note in panel.get("annotations", []):
            figure.add_vline(x=note["at"], line_dash="dot", line_color="#6639ba")
        unit = panel["metrics"][0].get("unit") if len(panel["metrics"]) == 1 else None
        figure.update_layout(yaxis_title=unit or "", legend_orientation="h")
    else:
        rows = panel.get("cards") if panel["type"] == "kpi" else panel["rows"]
        columns = KPI_COLUMNS if panel["type"] == "kpi" else [c for c in panel["columns"] if c not in HIDDEN]
        if panel["type"] == "dora":  # a card per key: the last complete period and its band
            rows, columns = panel["keys"], DORA_COLUMNS
        units = {m["id"]: m.get("unit") for m in panel["metrics"]}
        cells = [[_cell(c, r.get(c), units.get(r.get("metric", ""))) for r in rows or []] for c in columns]
        figure = go.Figure([go.Table(header={"values": columns}, cells={"values": cells})])
    figure.update_layout(title_text=panel["title"], margin={"t": 50, "l": 60, "r": 20, "b": 40})
    return figure


def _series(panel: dict[str, Any]) -> list[tuple[str, list[Any], list[Any]]]:
    names = {m["id"]: m.get("name") or m["id"] for m in panel["metrics"]}
    by = panel.get("by")
    groups: dict[str, tuple[list[Any], list[Any]]] = {}
    for row in panel["rows"]:
        name = str(row[by]) if by and len(panel["metrics"]) == 1 else names.get(row["metric"], row["metric"])
        if by and len(panel["metrics"]) > 1:
            name += f" · {row[by]}"
        x, y = groups.setdefault(name, ([], []))
        x.append(row["period"])
        y.append(row["value"])
    return [(name, x, y) for name, (x, y) in groups.items()]


def _cell(column: str, value: Any, unit: str | None) -> str:
    if column in ("value", "compare_value", "change") and not isinstance(value, str):
        return format_value(value, unit)
    if column == "change_pct":
        return format_change(value)
    return "–" if value is None else str(value)
