"""The /tree page in real headless Chromium on the demo (seed 42, small): what it shows is the API's data.

The tree is opened, filtered by a dimension value through the form, and an edge is followed to its
evidence, both by clicking the drawn link and by opening a shared URL. Screenshots at 1440 and
390 px land in test-artifacts/.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures import Server
from test_browser import ARTIFACTS, PHONE, Visit

from headway.demo import generate
from headway.serve import create_app

pytestmark = pytest.mark.browser
WIDE = {"width": 1440, "height": 1000}


def until(page: Any, expression: str, timeout: float = 120) -> None:
    """Poll a page expression from Python: the pages' CSP forbids the eval behind wait_for_function."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    demo: Path = generate(tmp_path_factory.mktemp("tree-browser") / "acme", seed=42, scale="small").path
    with Server(create_app(demo, warm=False)) as running:
        yield running


def api(server: Server, **params: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{server.url}/api/v1/tree", params=params, timeout=120).json()
    return body


def open_tree(browser: Any, server: Server, query: str = "", viewport: dict[str, int] = WIDE) -> Visit:
    visit = Visit(browser, f"{server.url}/tree{query}", viewport)
    visit.page.wait_for_selector("#links tr", timeout=120_000)
    return visit


def row_text(visit: Visit, edge_id: str, css: str) -> str:
    text: str = visit.page.locator(f'#links tr[data-edge="{edge_id}"] td.{css}').inner_text()
    return text.strip()


def words(ev: dict[str, Any]) -> str:
    verdict = {"supports": "supports", "no_evidence": "no evidence", "contradicts": "contradicts"}
    return f"association · {verdict[ev['verdict']]}" if ev["grade"] == "association" else ev["grade"]


def test_every_link_shows_the_apis_grade_and_numbers(browser: Any, server: Server) -> None:
    data = api(server)
    visit = open_tree(browser, server)
    try:
        assert visit.page.locator("#links tr").count() == len(data["edges"])
        for e in data["edges"]:
            ev = e["evidence"]
            assert row_text(visit, e["id"], "grade") == words(ev), e["id"]
            assert row_text(visit, e["id"], "r") == ("–" if ev["r"] is None else f"{ev['r']:+.2f}"), e["id"]
            assert row_text(visit, e["id"], "n") == str(ev["n"]), e["id"]
        drawn = visit.page.locator("#graph a.edge").evaluate_all("links => links.map(a => a.dataset.edge)")
        assert sorted(drawn) == sorted(e["id"] for e in data["edges"])
        ARTIFACTS.mkdir(exist_ok=True)
        visit.page.screenshot(path=str(ARTIFACTS / "tree-desktop.png"))
        assert visit.problems == []
    finally:
        visit.close()


def test_clicking_a_drawn_link_opens_its_evidence(browser: Any, server: Server) -> None:
    ev = next(e for e in api(server)["edges"] if e["id"] == "cycle_time~csat")["evidence"]
    visit = open_tree(browser, server)
    try:
        visit.page.locator('#graph a.edge[data-edge="cycle_time~csat"] path.hit').click()
        panel = visit.page.locator("#evidence")
        panel.wait_for(state="visible")
        assert panel.locator(".verdict").inner_text() == "association · supports"
        assert panel.locator(".summary").inner_text() == ev["summary"]
        assert f"{ev['r']:+.3f}" in panel.inner_text()
        assert "edge=cycle_time%7Ecsat" in visit.page.url or "edge=cycle_time~csat" in visit.page.url
        assert visit.page.locator(".bar-row.best .bar-lag").inner_text() == "lag 2"
        ARTIFACTS.mkdir(exist_ok=True)
        visit.page.screenshot(path=str(ARTIFACTS / "tree-evidence-desktop.png"), full_page=True)
        assert visit.problems == []
    finally:
        visit.close()


def test_filtering_by_a_dimension_value_regrades_without_a_reload(browser: Any, server: Server) -> None:
    link = "sessions~weekly_active_users"
    whole = next(e for e in api(server)["edges"] if e["id"] == link)["evidence"]
    sliced = next(e for e in api(server, dimension="account.plan", value="pro")["edges"] if e["id"] == link)
    assert sliced["evidence"]["r"] != whole["r"]  # the slice really is graded on other numbers
    visit = open_tree(browser, server)
    try:
        visit.page.evaluate("window.__sameDocument = true")
        visit.page.select_option("#dimension", "account.plan")
        visit.page.fill("#value", "pro")
        visit.page.click("#filter button[type=submit]")
        until(visit.page, "document.getElementById('status').textContent.includes('account.plan = pro')")
        assert row_text(visit, link, "r") == f"{sliced['evidence']['r']:+.2f}"
        assert row_text(visit, "cycle_time~csat", "grade") == "hypothesis"  # cycle time has no account.plan
        assert "dimension=account.plan" in visit.page.url and "value=pro" in visit.page.url
        assert visit.page.evaluate("window.__sameDocument") is True  # no full page load happened
        assert visit.problems == []
    finally:
        visit.close()


def test_a_shared_url_restores_filter_and_evidence(browser: Any, server: Server) -> None:
    visit = open_tree(browser, server, "?dimension=account.plan&value=pro&edge=sessions~weekly_active_users")
    try:
        visit.page.locator("#evidence").wait_for(state="visible")
        assert visit.page.locator("#evidence h2").inner_text() == "sessions → weekly_active_users"
        assert visit.page.input_value("#dimension") == "account.plan" and visit.page.input_value("#value") == "pro"
    finally:
        visit.close()


def test_a_refused_filter_is_explained_on_the_page(browser: Any, server: Server) -> None:
    visit = Visit(browser, f"{server.url}/tree?dimension=tema&value=x", WIDE)
    try:
        error = visit.page.locator("#error")
        error.wait_for(state="visible")
        assert "Did you mean 'team'?" in error.inner_text()
    finally:
        visit.close()


def test_phone_layout(browser: Any, server: Server) -> None:
    visit = open_tree(browser, server, "?edge=cycle_time~csat", PHONE)
    try:
        visit.page.locator("#evidence").wait_for(state="visible")
        ARTIFACTS.mkdir(exist_ok=True)
        visit.page.screenshot(path=str(ARTIFACTS / "tree-phone.png"), full_page=True)
        width = visit.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 2, f"the page is {width} px wide on a {PHONE['width']} px phone"
        assert visit.page.locator("#evidence .summary").is_visible()
        assert visit.problems == []
    finally:
        visit.close()
