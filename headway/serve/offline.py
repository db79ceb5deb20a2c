"""One page as a single HTML file that opens offline: its JSON, styles and scripts inlined, nothing fetched.

The dashboard export, the overview export and the tree export all go through `offline_page`: the
page script is the one the server serves, and it reads the JSON inlined in a
`<script type="application/json">` element instead of fetching it. No http(s) URL is left in the
file, so it works from a mail attachment or a USB stick with the network off.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
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


def inline_json(data: Any) -> str:
    """JSON for a `<script type="application/json">` element: `<` escaped, so no text in it can close it."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")


def offline_page(
    template: str,
    data: Any,
    *,
    css: Sequence[str],
    scripts: Sequence[str],
    plotly: bool = False,
    now: dt.datetime | None = None,
    **context: Any,
) -> str:
    """`template` rendered with `data` inlined as JSON, the named static CSS and scripts inlined, Plotly if asked.

    The template places `data`, `css`, `scripts` (a list of script texts, in order) and `exported`.
    """
    stylesheet = "\n".join((STATIC / name).read_text(encoding="utf-8") for name in css)
    bodies = ([PLOTLY.read_text(encoding="utf-8")] if plotly else []) + [
        (STATIC / name).read_text(encoding="utf-8") for name in scripts
    ]
    exported = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    return templates.get_template(template).render(
        data=inline_json(data),
        css=_inline(stylesheet),
        scripts=[_inline(text) for text in bodies],
        exported=exported,
        **context,
    )
