"""Dashboards in real headless Chromium (Debian's, through Playwright) on the demo (seed 42, small).

The page draws what the JSON twin says; a CSV downloaded by clicking is the server's CSV; a
restricted panel says so; the offline HTML export renders with every network request refused.
Screenshots at 1440 and 390 px land in test-artifacts/.
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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    demo = generate(tmp_path_factory.mktemp("dash-browser") / "acme", seed=42, scale="small").path
    with Server(create_app(demo, warm=False)) as running:
        yield running


def open_page(browser: Any, url: str, width: int, errors: list[str]) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector(".panel .card")
    page.wait_for_function("document.getElementById('status').textContent === ''")
    return page


def test_exec_dashboard_shows_the_apis_numbers_and_downloads_a_csv(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    api = httpx.get(f"{server.url}/api/v1/dashboards/exec", timeout=120).json()
    errors: list[str] = []
    page = open_page(browser, f"{server.url}/dashboards/exec", 1440, errors)
    kpi = api["panels"][0]
    units = {m["id"]: m["unit"] for m in kpi["metrics"]}
    for card in kpi["cards"]:
        shown = page.locator(f'.panel-kpi .card[data-metric="{card["metric"]}"] .value').inner_text()
        assert shown == format_value(card["value"], units[card["metric"]])
    assert page.locator(".panel-line .js-plotly-plot").count() == 2  # both line panels drew a chart
    with page.expect_download() as caught:
        page.locator("#panel-3 a.csv").click()
    saved = tmp_path / "panel.csv"
    caught.value.save_as(saved)
    server_csv = httpx.get(f"{server.url}{api['panels'][3]['csv']}", timeout=60).text
    assert (
        saved.read_text(encoding="utf-8") == server_csv and server_csv.count("\n") == len(api["panels"][3]["rows"]) + 1
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-exec-1440.png"), full_page=True)
    page.context.close()
    assert errors == []


def test_a_restricted_panel_says_so_on_a_phone(browser: Any, server: Server) -> None:
    errors: list[str] = []
    page = open_page(browser, f"{server.url}/dashboards/engineering", 390, errors)
    notice = page.locator("#panel-3 .restricted").inner_text()
    assert notice == "Restricted: you may not see team_pulse."
    assert page.locator("#panel-3 .card").count() == 0  # no number, not even a placeholder
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    page.screenshot(path=str(ARTIFACTS / "dashboard-engineering-390.png"), full_page=True)
    page.context.close()
    assert errors == []


def test_the_exported_file_renders_with_the_network_off(browser: Any, server: Server, tmp_path: Path) -> None:
    html = httpx.get(f"{server.url}/dashboards/exec/export.html", timeout=120).text
    path = tmp_path / "exec.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    asked: list[str] = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("file:")
            else (asked.append(route.request.url), route.abort())
        ),
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector(".panel-line .js-plotly-plot")
    assert page.locator(".panel").count() == 5 and page.locator(".panel-kpi .card").count() == 6
    with page.expect_download() as caught:  # offline, the CSV is written from the inlined rows
        page.locator("#panel-3 a.csv").click()
    saved = tmp_path / "offline.csv"
    caught.value.save_as(saved)
    served = httpx.get(f"{server.url}/api/v1/dashboards/exec/panels/3.csv", timeout=60).text
    assert saved.read_text(encoding="utf-8").splitlines()[0] == served.splitlines()[0]
    assert len(saved.read_text(encoding="utf-8").splitlines()) == len(served.splitlines())
    context.close()
    assert asked == [] and errors == []


def test_clicking_a_series_drills_down_to_its_metric_page(browser: Any, server: Server) -> None:
    errors: list[str] = []
    page = open_page(browser, f"{server.url}/dashboards/exec", 1440, errors)
    values = page.evaluate("document.querySelector('#panel-1 .js-plotly-plot').data.map(t => t.meta.value)")
    index = values.index("pro")
    page.locator("#panel-1").scroll_into_view_if_needed()
    point = page.locator(f"#panel-1 .scatterlayer .trace:nth-child({index + 1}) .points path").nth(3)
    box = point.bounding_box()
    assert box is not None
    with page.expect_navigation():  # a real mouse click where the point is drawn
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.url.startswith(f"{server.url}/metrics/paid_mrr?grain=month&from=")
    assert "filter=plan%3Dpro" in page.url
    page.wait_for_selector(".chip[data-filter='plan']")
    assert page.locator(".chip").inner_text().startswith("plan = pro")
    page.context.close()
    assert errors == []


def test_filters_live_in_the_url_and_rerender_without_a_reload(browser: Any, server: Server) -> None:
    errors: list[str] = []
    page = open_page(browser, f"{server.url}/dashboards/product_pro", 1440, errors)
    page.evaluate("window.marker = 'same page'")  # gone if the browser reloads the document
    assert page.locator(".chip").inner_text().startswith("account.plan = pro")
    page.locator(".chip[data-filter='account.plan'] button").click()
    page.locator(".chip").wait_for(state="detached")
    assert page.url.endswith("/dashboards/product_pro?filter=")
    page.locator(".add-filter select").select_option("account.plan")
    page.locator(".add-filter input").fill("starter")
    page.locator(".add-filter button").click()
    page.wait_for_selector(".chip[data-filter='account.plan']")
    assert "filter=account.plan%3Dstarter" in page.url
    page.wait_for_function("document.getElementById('status').textContent === ''")
    api = httpx.get(f"{server.url}/api/v1/dashboards/product_pro", params={"filter": "account.plan=starter"}).json()
    card = api["panels"][0]["cards"][0]
    shown = page.locator(f'.panel-kpi .card[data-metric="{card["metric"]}"] .value').inner_text()
    assert shown == format_value(card["value"], api["panels"][0]["metrics"][0]["unit"])
    assert page.evaluate("window.marker") == "same page"
    page.context.close()
    assert errors == []
