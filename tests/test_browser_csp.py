"""The Content-Security-Policy in a real browser: the overview page and a Plotly chart work under it,
and what it forbids (an inline script, framing by another page) is really blocked.

Debian's headless Chromium through Playwright (never `playwright install`); Plotly's own bundle from
the Python package, served by the same app through a route added for this test only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import plotly
import pytest
from fastapi.responses import FileResponse, HTMLResponse, Response
from fixtures import Server, build_workspace

from headway.serve import create_app

pytestmark = pytest.mark.browser

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
CHART_JS = """
window.addEventListener('DOMContentLoaded', function () {
  Plotly.newPlot('chart', [{x: ['2026-01', '2026-02', '2026-03'], y: [370, 170, 565], type: 'scatter'}],
                 {title: {text: 'new_mrr'}}).then(function () { document.body.dataset.plotted = 'yes'; });
});
"""
PAGE = """<!doctype html><html><head><meta charset="utf-8">
<script src="/csp-test/plotly.min.js"></script><script src="/csp-test/chart.js"></script></head>
<body><div id="chart" style="width:600px;height:400px"></div>
<script>document.body.dataset.inline = 'ran';</script></body></html>"""
FRAMING = """<!doctype html><html><body><iframe id="f" src="{url}/"></iframe></body></html>"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    app = create_app(build_workspace(tmp_path_factory.mktemp("csp") / "tiny"), warm=False)
    app.add_api_route("/csp-test/plotly.min.js", lambda: FileResponse(PLOTLY_JS, media_type="text/javascript"))
    app.add_api_route("/csp-test/chart.js", lambda: Response(CHART_JS, media_type="text/javascript"))
    app.add_api_route("/csp-test/page", lambda: HTMLResponse(PAGE))
    with Server(app) as running:
        yield running


def visit(browser: Any, url: str) -> tuple[Any, list[str]]:
    page = browser.new_page()
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    page.goto(url, wait_until="load")
    return page, messages


def test_plotly_draws_under_the_policy_and_an_inline_script_is_blocked(browser: Any, server: Server) -> None:
    page, messages = visit(browser, f"{server.url}/csp-test/page")
    page.wait_for_function("document.body.dataset.plotted === 'yes'", timeout=20_000)
    assert page.locator("#chart .main-svg").count() >= 1  # Plotly drew its SVG
    assert page.evaluate("document.body.dataset.inline") is None  # the inline script did not run
    blocked = [m for m in messages if "Content Security Policy" in m]
    assert len(blocked) == 1 and "script-src" in blocked[0], messages  # only the inline script was refused
    assert not [m for m in messages if m.startswith("pageerror")], messages
    page.close()


def test_overview_page_has_no_policy_violations(browser: Any, server: Server) -> None:
    page, messages = visit(browser, f"{server.url}/")
    assert page.locator("h1").count() >= 1
    assert [m for m in messages if "Content Security Policy" in m or m.startswith("pageerror")] == []
    page.close()


def test_another_site_cannot_frame_the_pages(browser: Any, server: Server, tmp_path: Path) -> None:
    outer = tmp_path / "outer.html"
    outer.write_text(FRAMING.format(url=server.url), encoding="utf-8")
    page, _ = visit(browser, outer.as_uri())
    frame = page.frame_locator("#f")
    page.wait_for_timeout(1000)
    # frame-ancestors 'none' and X-Frame-Options: DENY: Chromium shows its own error page instead
    assert [f.url for f in page.frames][1].startswith("chrome-error://")
    assert "refused to connect" in frame.locator("body").inner_text()
    assert "Twelve subscriptions" not in frame.locator("body").inner_text()
    page.close()
