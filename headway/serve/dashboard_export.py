"""One dashboard as a single static HTML file that opens offline: data, Plotly and scripts inlined.

The page script is the same dashboard.js the server uses; it reads the inlined JSON instead of
fetching. Nothing is loaded from a URL, so the file works from a mail attachment or a USB stick.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from headway.serve.pages import templates
from headway.serve.pages_metric import PLOTLY

STATIC = Path(__file__).parent / "static"
CLOSING = re.compile(r"</(script|style)", re.IGNORECASE)


def _inline(text: str) -> str:
    """Text safe inside a <script> or <style> element: no `</script` or `</style` there can close it.

    `<\\/script` reads the same to JavaScript (in a string or a regular expression) and to CSS.
    """
    return CLOSING.sub(lambda m: "<\\/" + m.group(1), text)


def static_html(view: dict[str, Any], now: dt.datetime | None = None) -> str:
    """The dashboard's JSON (as the JSON twin gives it) rendered into one self-contained page."""
    data = json.dumps(view, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")
    css = "\n".join((STATIC / name).read_text(encoding="utf-8") for name in ("style.css", "dashboard.css"))
    exported = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    return templates.get_template("dashboard_static.html").render(
        view=view,
        exported=exported,
        data=data,
        css=_inline(css),
        plotly=_inline(PLOTLY.read_text(encoding="utf-8")),
        common=_inline((STATIC / "common.js").read_text(encoding="utf-8")),
        page=_inline((STATIC / "dashboard.js").read_text(encoding="utf-8")),
    )
