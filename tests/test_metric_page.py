"""The metric page and its JSON twin on the demo (seed 42, small), in a real server and real Chromium.

The API's rows are checked against `headway query --format json` run as a separate process (with
a machine time zone other than UTC); the page's numbers against the API's, formatted by the same
rule as the overview (pages.format_value). Screenshots at 1440 and 390 px go to test-artifacts/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
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
from headway.serve.pages import format_change, format_value

HEADWAY = Path(sys.executable).parent / "headway"
WIDE = {"width": 1440, "height": 1000}


def until(page: Any, expression: str, timeout: float = 120) -> None:
    """Poll a page expression from Python: the pages' CSP forbids the eval behind wait_for_function."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("metric-page") / "acme", seed=42, scale="small").path


@pytest.fixture(scope="module")
def server(demo: Path) -> Iterator[Server]:
    with Server(create_app(demo, warm=False)) as running:
        yield running


def view(server: Server, metric: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{server.url}/api/v1/metrics/{metric}/view", params=params, timeout=120)


def cli_rows(demo: Path, *args: str) -> list[dict[str, Any]]:
    env = {**os.environ, "TZ": "America/Los_Angeles"}
    done = subprocess.run(
        [HEADWAY, "query", *args, "--format", "json", "-w", str(demo)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    rows: list[dict[str, Any]] = json.loads(done.stdout)["rows"]
    return rows


# -- the JSON twin ---------------------------------------------------------------


def test_a_filtered_drill_down_equals_headway_query(server: Server, demo: Path) -> None:
    body = view(server, "csat", grain="month", by="account.region", filter="account.plan=pro").json()
    asked = ["csat", "--grain", "month", "--by", "account.plan", "--by", "account.region", "--compare", "previous"]
    expected = [{k: v for k, v in r.items() if k != "account.plan"} for r in cli_rows(demo, *asked)]
    expected = [r for r, full in zip(expected, cli_rows(demo, *asked), strict=True) if full["account.plan"] == "pro"]
    assert body["view"]["rows"] == expected and len(expected) > 10
    assert body["view"]["filters"] == [{"dimension": "account.plan", "value": "pro"}]
    assert body["view"]["by"] == "account.region"
    assert body["definition"]["computed_as"].startswith("avg(score) over surveys")
    assert [c["id"] for c in body["counter_metrics"]] == ["first_response_time"]
    assert body["drivers"][0]["id"] == "cycle_time~csat" and body["drivers"][0]["evidence"]["verdict"] == "supports"
    assert "-- headway: metric csat" in body["view"]["sql"]


def test_a_restricted_metric_is_refused_to_the_web_viewer(server: Server) -> None:
    answer = view(server, "team_pulse")  # `sensitivity: restricted` in the demo; the web's actor is a viewer
    assert answer.status_code == 403 and answer.json()["code"] == "forbidden"


def test_the_last_unfinished_period_is_marked(server: Server) -> None:
    rows = view(server, "csat", grain="month").json()["view"]["rows"]
    # the demo's data runs to 2026-10-31: every month is over, October included
    assert rows[-1]["period"] == "2026-10-01" and all(r["complete"] for r in rows)
    weeks = view(server, "csat", grain="week").json()["view"]["rows"]
    assert weeks[-1]["period"] == "2026-10-26" and weeks[-1]["complete"] is False  # Oct 26 - Nov 1: not over
    assert all(r["complete"] for r in weeks[:-1])


def test_links_and_counters(server: Server) -> None:
    body = view(server, "csat").json()
    assert [e["from"] for e in body["drivers"]] == ["cycle_time"]
    assert body["drivers"][0]["evidence"]["verdict"] == "supports"
    assert [e["to"] for e in body["driven"]] == ["logo_churn_rate"]
    guarded = view(server, "support_tickets").json()["guards"]
    assert {g["id"] for g in guarded} >= {"nps", "paid_mrr"}


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"filter": "account.plna=pro"}, 400, "unknown_dimension"),
        ({"by": "regoin"}, 400, "unknown_dimension"),
        ({"filter": "account.plan"}, 400, "bad_filter"),
        ({"filter": "account.plan=pro", "by": "account.plan"}, 400, "bad_query"),
        ({"filter": ["account.plan=a"] * 5}, 422, "invalid_request"),
        ({"grain": "fortnight"}, 422, "invalid_request"),
        ({"from": "2026-13-01"}, 422, "invalid_request"),
    ],
    ids=["filter-typo", "by-typo", "filter-no-value", "by-is-filtered", "too-many", "grain", "date"],
)
def test_bad_input_gets_the_one_error_shape(server: Server, params: dict[str, Any], status: int, code: str) -> None:
    body = view(server, "csat", **params).json()
    assert (body["ok"], body["status"], body["code"]) == (False, status, code)
    assert set(body) == {"ok", "status", "error", "hint", "code", "errors"}


def test_unknown_metric_and_hostile_values(server: Server) -> None:
    missing = view(server, "csta")
    assert missing.status_code == 404 and missing.json()["hint"] == "Did you mean 'csat'?"
    page = httpx.get(f"{server.url}/metrics/csta", timeout=30)
    assert page.status_code == 404 and "Did you mean &#39;csat&#39;?" in page.text
    odd = view(server, "csat", filter="account.region=Zürich'; drop table x --").json()
    assert odd["view"]["rows"] == []  # no such region: nothing to show, and nothing was pasted into SQL


# -- the page in Chromium -----------------------------------------------------------


def open_page(browser: Any, server: Server, path: str, viewport: dict[str, int] = WIDE) -> Visit:
    visit = Visit(browser, server.url + path, viewport)
    visit.page.wait_for_selector("#rows tr", timeout=120_000)
    return visit


def shown_rows(visit: Visit) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = visit.page.locator("#rows tr").evaluate_all(
        """rows => rows.map(r => ({period: r.dataset.period, dim: r.dataset.dim || null,
            value: r.querySelector('td.value').textContent, compare: r.querySelector('td.compare').textContent,
            change: r.querySelector('td.change').textContent, n: r.querySelector('td.n').textContent}))"""
    )
    return rows


def expected_rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    unit, by = body["definition"].get("unit"), body["view"]["by"]
    return [
        {
            "period": r["period"],
            "dim": None if by is None else str(r[by]),
            "value": format_value(r["value"], unit),
            "compare": format_value(r["compare_value"], unit),
            "change": format_change(r["change_pct"]),
            "n": str(r["n"]),
        }
        for r in body["view"]["rows"]
    ]


def test_numbers_on_screen_are_the_apis_and_the_target_is_drawn(browser: Any, server: Server) -> None:
    visit = open_page(browser, server, "/metrics/csat")
    try:
        assert shown_rows(visit) == expected_rows(view(server, "csat").json())
        target = visit.page.evaluate("document.getElementById('chart').layout.shapes[0].y0")
        assert target == 4.0  # the demo's CSAT target
        assert visit.page.locator("#definition [data-field=owner]").inner_text() == "vp-customer@acme.example"
        assert "driven by cycle_time" in visit.page.locator("#links").inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        visit.page.screenshot(path=str(ARTIFACTS / "metric-desktop.png"), full_page=True)
        assert visit.problems == []
    finally:
        visit.close()


def test_a_grain_change_rerenders_from_the_api(browser: Any, server: Server) -> None:
    visit = open_page(browser, server, "/metrics/csat")
    try:
        visit.page.select_option("#grain", "month")
        until(visit.page, "document.querySelectorAll('#rows tr').length === 6")
        assert "grain=month" in visit.page.url
        assert shown_rows(visit) == expected_rows(view(server, "csat", grain="month").json())
    finally:
        visit.close()


def test_drill_down_by_clicking_a_line(browser: Any, server: Server) -> None:
    visit = open_page(browser, server, "/metrics/csat?grain=month&by=account.plan")
    try:
        traces = visit.page.evaluate("document.getElementById('chart').data.map(t => t.meta)")
        index = traces.index("pro")
        point = visit.page.locator(f".scatterlayer .trace:nth-child({index + 1}) .points path").nth(3)
        box = point.bounding_box()
        assert box is not None
        # a real mouse click where the point is drawn (Plotly's drag layer on top receives it, as for a user)
        visit.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        visit.page.wait_for_selector(".chip[data-filter='account.plan']")
        assert visit.page.locator(".chip").inner_text().startswith("account.plan = pro")
        assert "filter=account.plan%3Dpro" in visit.page.url and "by=" not in visit.page.url
        assert shown_rows(visit) == expected_rows(view(server, "csat", grain="month", filter="account.plan=pro").json())
        visit.page.select_option("#by", "account.region")  # drill further: pro accounts, by region
        until(visit.page, "document.querySelector('#rows tr').dataset.dim !== undefined")
        assert shown_rows(visit) == expected_rows(
            view(server, "csat", grain="month", filter="account.plan=pro", by="account.region").json()
        )
        assert visit.problems == []
    finally:
        visit.close()


def test_a_deprecated_metric_names_its_replacement(browser: Any, server: Server) -> None:
    visit = open_page(browser, server, "/metrics/deploys")
    try:
        banner = visit.page.locator("#banner")
        assert banner.is_visible() and "deprecated" in banner.inner_text()
        assert banner.locator("a").get_attribute("href") == "/metrics/deployment_frequency"
    finally:
        visit.close()


def test_phone_layout(browser: Any, server: Server) -> None:
    visit = open_page(browser, server, "/metrics/csat?grain=month&by=account.plan", PHONE)
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        visit.page.screenshot(path=str(ARTIFACTS / "metric-phone.png"), full_page=True)
        width = visit.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 2, f"the page is {width} px wide on a {PHONE['width']} px phone"
        assert visit.page.locator("#rows tr td.value").first.is_visible()
        assert visit.problems == []
    finally:
        visit.close()


def test_a_note_added_in_the_ui_appears_on_the_chart(browser: Any, server: Server) -> None:
    visit = open_page(browser, server, "/metrics/csat")
    try:
        visit.page.click("#add-note summary")
        visit.page.fill("#note-form [name=title]", "Checkout bug — Straße & «quotes» <b>not bold</b>")
        visit.page.select_option("#note-form [name=kind]", "incident")
        visit.page.fill("#note-form [name=at]", "2026-09-07")
        visit.page.click("#note-form button[type=submit]")
        visit.page.wait_for_selector("#notes li:has-text('Checkout bug')")
        stored = [
            n
            for n in httpx.get(f"{server.url}/api/v1/annotations", params={"metric": "csat"}, timeout=30).json()[
                "annotations"
            ]
            if n["title"].startswith("Checkout bug")
        ]
        assert len(stored) == 1 and stored[0]["source"] == "ui" and stored[0]["at"] == "2026-09-07"
        shapes = visit.page.evaluate("document.getElementById('chart').layout.shapes.map(s => [s.name, s.x0])")
        assert [f"note-{stored[0]['id']}", "2026-09-07"] in shapes
        text = visit.page.locator(f"#notes li[data-note='{stored[0]['id']}']").inner_text()
        assert "<b>not bold</b>" in text  # shown as text, never as markup
        label = visit.page.evaluate(
            f"document.getElementById('chart').layout.annotations.find(a => a.name === 'note-{stored[0]['id']}').text"
        )
        assert "&lt;b&gt;" in label and "<b>" not in label  # escaped for Plotly's label markup too
        assert visit.problems == []
    finally:
        visit.close()
