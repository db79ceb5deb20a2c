"""One dashboard as a single static HTML file that opens offline: data, Plotly and scripts inlined.

The page script is the same dashboard.js the server uses; it reads the inlined JSON instead of
fetching. Nothing is loaded from a URL, so the file works from a mail attachment or a USB stick.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from headway.serve.offline import offline_page


def static_html(view: dict[str, Any], now: dt.datetime | None = None) -> str:
    """The dashboard's JSON (as the JSON twin gives it) rendered into one self-contained page."""
    return offline_page(
        "dashboard_static.html",
        view,
        css=("style.css", "dashboard.css"),
        scripts=("common.js", "dashboard.js"),
        plotly=True,
        now=now,
        view=view,
    )
