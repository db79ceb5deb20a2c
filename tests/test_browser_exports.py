"""The offline exports and the DORA panel in real headless Chromium (Debian's, through Playwright), demo seed 42 small.

The overview and tree files are downloaded from the running server, then opened from disk with
every network request refused: the cards and the tree's graded links must be drawn all the same,
with the numbers the API gives. The DORA panel is checked on the engineering dashboard's page.
Screenshots land in test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures import Server
from test_browser import ARTIFACTS

from headway.demo import generate
from headway.serve import create_app
from headway.serve.pages import format_value

pytestmark = pytest.mark.browser
WORDS = {"supports": "supports", "no_evidence": "no evidence", "contradicts": "contradicts"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    demo = generate(tmp_path_factory.mktemp("export-browser") / "acme", seed=42, scale="small").path
    with Server(create_app(demo, warm=False)) as running:
        yield running


def open_offline(browser: Any, path: Path, asked: list[str], errors: list[str], width: int = 1440) -> Any:
    """The file opened from disk; any request that is not the file itself is refused and recorded."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url == path.as_uri()
            else (asked.append(route.request.url), route.abort())
        ),
    )
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
    page.goto(path.as_uri())
    return page


def download(server: Server, path: str, to: Path) -> Path:
    resp = httpx.get(f"{server.url}{path}", timeout=180)
    assert resp.status_code == 200, resp.text
    to.write_text(resp.text, encoding="utf-8")
    return to


def test_the_overview_file_draws_the_cards_with_the_network_off(browser: Any, server: Server, tmp_path: Path) -> None:
    path = download(server, "/export/overview.html", tmp_path / "overview.html")
    cards = httpx.get(f"{server.url}/api/v1/cards", timeout=120).json()
    asked: list[str] = []
    errors: list[str] = []
    page = open_offline(browser, path, asked, errors)
    page.wait_for_selector("#cards .card")
    shown = [c for row in cards["rows"].values() for c in row]
    assert page.locator("#cards .card").count() == len(shown)
    for card in shown:
        box = page.locator(f'#cards .card[data-metric="{card["id"]}"]')
        if card.get("reason"):
            continue
        assert box.locator(".value").inner_text() == format_value(card["value"], card["unit"]), card["id"]
    assert page.locator('#cards .card[data-metric="paid_mrr"] .badge').inner_text() == "north star"
    page.screenshot(path=str(ARTIFACTS / "export-overview-1440.png"), full_page=True)
    page.context.close()
    assert asked == [] and errors == []


def test_the_tree_file_draws_every_graded_link_with_the_network_off(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    path = download(server, "/export/tree.html", tmp_path / "tree.html")
    tree = httpx.get(f"{server.url}/api/v1/tree", timeout=120).json()
    asked: list[str] = []
    errors: list[str] = []
    page = open_offline(browser, path, asked, errors)
    page.wait_for_selector("#links tr")
    assert page.locator("#links tr").count() == len(tree["edges"])
    assert page.locator("#graph a.node").count() == len([n for n in tree["nodes"] if n.get("layer") is not None])
    for edge in tree["edges"]:
        ev = edge["evidence"]
        words = "association · " + WORDS[ev["verdict"]] if ev["grade"] == "association" else ev["grade"]
        row = page.locator(f'#links tr[data-edge="{edge["id"]}"]')
        assert row.locator(".grade").inner_text() == words, edge["id"]
        assert row.locator(".n").inner_text() == str(ev["n"])
    # following a link to its evidence works offline too
    planted = next(e for e in tree["edges"] if e["from"] == "cycle_time" and e["to"] == "csat")
    page.locator(f'#links tr[data-edge="{planted["id"]}"] a').click()
    assert page.locator("#evidence .verdict").inner_text() == "association · supports"
    assert page.locator("#filter").count() == 0  # no server to re-grade on a slice: the form is left out
    page.screenshot(path=str(ARTIFACTS / "export-tree-1440.png"), full_page=True)
    page.context.close()
    assert asked == [] and errors == []


def test_the_download_links_are_on_the_pages(browser: Any, server: Server) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{server.url}/")
    assert page.locator("#export-link").get_attribute("href") == "/export/overview.html"
    page.goto(f"{server.url}/tree?dimension=plan&value=pro")
    page.wait_for_selector("#links tr")
    assert page.locator("#export-link").get_attribute("href") == "/export/tree.html?dimension=plan&value=pro"
    context.close()


def test_the_dora_panel_is_on_the_engineering_dashboard(browser: Any, server: Server) -> None:
    view = httpx.get(f"{server.url}/api/v1/dashboards/engineering", timeout=120).json()
    (panel,) = [p for p in view["panels"] if p["type"] == "dora"]
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server.url}/dashboards/engineering")
    page.wait_for_selector(".panel-dora .card.dora")
    cards = page.locator(".panel-dora .card.dora")
    assert cards.count() == 4
    for key in panel["keys"]:
        card = page.locator(f'.panel-dora .card[data-key="{key["key"]}"]')
        assert card.locator(".name").inner_text() == key["label"]
        assert card.locator(".band").inner_text() == key["band"]
        assert float(card.locator(".value").get_attribute("data-value") or "nan") == key["value"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways on a phone"
    page.locator(".panel-dora").screenshot(path=str(ARTIFACTS / "dashboard-dora-390.png"))
    context.close()
    assert errors == []


def test_the_engineering_dashboards_offline_file_draws_the_dora_panel(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    path = download(server, "/dashboards/engineering/export.html", tmp_path / "engineering.html")
    view = httpx.get(f"{server.url}/api/v1/dashboards/engineering", timeout=120).json()
    (panel,) = [p for p in view["panels"] if p["type"] == "dora"]
    asked: list[str] = []
    errors: list[str] = []
    page = open_offline(browser, path, asked, errors)
    page.wait_for_selector(".panel-dora .card.dora")
    assert page.locator(".panel-dora .band").all_inner_texts() == [k["band"] for k in panel["keys"]]
    page.context.close()
    assert asked == [] and errors == []
