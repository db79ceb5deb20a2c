"""The web page in a real browser: Debian's headless Chromium driven by Playwright, against a real server.

Never `playwright install`: the browser is the system one (/usr/bin/chromium, apt package `chromium`).
Screenshots land in test-artifacts/ at the repository root (git-ignored) for people to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures import METRIC_IDS, Server, build_workspace

from headway.serve import create_app
from headway.serve.pages import format_value

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    ws = build_workspace(tmp_path_factory.mktemp("browser") / "tiny")
    with Server(create_app(ws)) as running:
        yield running


@pytest.fixture(scope="module")
def overview(server: Server) -> dict[str, dict[str, Any]]:
    body = httpx.get(f"{server.url}/api/v1/overview", timeout=30).json()
    return {m["id"]: m for m in body["metrics"]}


class Visit:
    """One page load at one viewport, with whatever went wrong while loading it."""

    def __init__(self, browser: Any, url: str, viewport: dict[str, int]):
        self.context = browser.new_context(viewport=viewport)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on(
            "console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
        )
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        self.page.on("response", lambda r: self.problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
        self.page.goto(url, wait_until="load")

    def cell(self, metric_id: str, css: str) -> str:
        text: str = self.page.locator(f'tr[data-metric="{metric_id}"] td.{css}').inner_text()
        return text.strip()

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def desktop(browser: Any, server: Server) -> Iterator[Visit]:
    visit = Visit(browser, server.url + "/", DESKTOP)
    yield visit
    visit.close()


@pytest.fixture(scope="module")
def phone(browser: Any, server: Server) -> Iterator[Visit]:
    visit = Visit(browser, server.url + "/", PHONE)
    yield visit
    visit.close()


def test_page_loads_cleanly(desktop: Visit) -> None:
    assert desktop.page.title() == "tiny · Headway"
    assert desktop.problems == []


def test_every_metric_has_a_row(desktop: Visit) -> None:
    shown = desktop.page.locator("tr[data-metric]").evaluate_all("rows => rows.map(r => r.dataset.metric)")
    assert sorted(shown) == sorted(METRIC_IDS)


# February (the last complete month), formatted by hand
SHOWN = {"mrr": ("$520.00", "+40.5%"), "trial_share": ("33.3%", "+33.3%"), "avg_duration": ("3.10 s", "+86.0%")}


@pytest.mark.parametrize("metric_id", list(SHOWN))
def test_numbers_match_the_api(desktop: Visit, overview: dict[str, dict[str, Any]], metric_id: str) -> None:
    latest = overview[metric_id]["latest"]
    value, change = SHOWN[metric_id]
    assert desktop.cell(metric_id, "value") == format_value(latest["value"], overview[metric_id]["unit"]) == value
    assert desktop.cell(metric_id, "change") == change
    assert desktop.cell(metric_id, "n") == str(latest["n"])


def test_every_value_shown_is_the_api_value(desktop: Visit, overview: dict[str, dict[str, Any]]) -> None:
    for metric_id, metric in overview.items():
        assert desktop.cell(metric_id, "value") == format_value(metric["latest"]["value"], metric["unit"]), metric_id


def test_desktop_screenshot(desktop: Visit) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "overview-desktop.png"
    desktop.page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


def test_phone_has_no_horizontal_overflow(phone: Visit) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    phone.page.screenshot(path=str(ARTIFACTS / "overview-phone.png"), full_page=True)
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 2, f"the page is {width} px wide on a {PHONE['width']} px phone"
    assert phone.problems == []


def test_phone_still_shows_every_value(phone: Visit) -> None:
    for metric_id in METRIC_IDS:
        cell = phone.page.locator(f'tr[data-metric="{metric_id}"] td.value')
        assert cell.is_visible(), metric_id
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (metric_id, box)
