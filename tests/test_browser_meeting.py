"""/meeting, /initiatives and the overview's action panel in real headless Chromium, on the demo (seed 42, small).

An action item created in the page's form is read back from the API; marking it done in the page
moves it out of the open list; the numbers on /initiatives are the API's. Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures import Server
from test_browser import ARTIFACTS, DESKTOP, PHONE, Visit

from headway.demo import generate
from headway.serve import create_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    demo = generate(tmp_path_factory.mktemp("browser-meeting") / "acme", seed=42, scale="small").path
    with Server(create_app(demo, warm=False)) as running:
        yield running


def shot(visit: Visit, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    visit.page.screenshot(path=str(Path(ARTIFACTS) / name), full_page=True)


def test_an_action_item_created_in_the_ui_is_in_the_api(browser: Any, server: Server) -> None:
    visit = Visit(browser, server.url + "/meeting?period=2026Q4", DESKTOP)
    try:
        visit.page.wait_for_selector("#ranks tbody tr")
        title = "Call Zürich accounts — «churn» <b>not bold</b>"
        visit.page.fill("#new-action [name=title]", title)
        visit.page.fill("#new-action [name=owner]", "Zoë Ångström")
        visit.page.fill("#new-action [name=due]", "2026-12-18")
        visit.page.fill("#new-action [name=metrics]", "logo_churn_rate, csat")
        visit.page.click("#new-action button[type=submit]")
        visit.page.wait_for_selector("#actions tr:has-text('Call Zürich')")
        stored = [
            a
            for a in httpx.get(f"{server.url}/api/v1/meeting/actions", timeout=30).json()["actions"]
            if a["title"] == title
        ]
        assert len(stored) == 1
        item = stored[0]
        assert (item["owner"], item["due"], item["metrics"], item["source"], item["period"]) == (
            "Zoë Ångström",
            "2026-12-18",
            ["logo_churn_rate", "csat"],
            "ui",
            "2026Q4",
        )
        row = visit.page.locator(f"#actions tr[data-action='{item['id']}']")
        assert "<b>not bold</b>" in row.locator("td.title").inner_text()  # text, never markup
        shot(visit, "meeting-1440.png")
        row.locator("button.done").click()
        visit.page.wait_for_selector(f"#actions tr[data-action='{item['id']}'] td.status:has-text('done')")
        after = httpx.get(f"{server.url}/api/v1/meeting/actions", params={"status": "done"}, timeout=30).json()
        assert item["id"] in [a["id"] for a in after["actions"]]
        # the agreement line shows the API's W
        w = httpx.get(f"{server.url}/api/v1/meeting", params={"period": "2026Q4"}, timeout=30).json()["agreement"]["w"]
        assert f"Agreement (Kendall's W) {w:.2f}" in visit.page.locator("#agreement").inner_text()
        assert visit.problems == []
    finally:
        visit.close()


def test_bad_input_in_the_form_shows_the_apis_error(browser: Any, server: Server) -> None:
    visit = Visit(browser, server.url + "/meeting?period=2026Q4", PHONE)
    try:
        visit.page.wait_for_selector("#ranks tbody tr")
        visit.page.fill("#new-action [name=title]", "x")
        visit.page.fill("#new-action [name=owner]", "a")
        visit.page.fill("#new-action [name=due]", "2026-12-18")
        visit.page.fill("#new-action [name=metrics]", "cstat")
        visit.page.click("#new-action button[type=submit]")
        visit.page.wait_for_selector("#error:not([hidden])")
        assert "unknown metric 'cstat'" in visit.page.locator("#error").inner_text()
        expected = ("400: " + server.url + "/api/v1/meeting/actions", "the server responded with a status of 400")
        visit.problems = [p for p in visit.problems if not any(e in p for e in expected)]  # the refusal itself
        assert visit.problems == []
        shot(visit, "meeting-390.png")
    finally:
        visit.close()


def test_initiatives_page_shows_the_apis_numbers(browser: Any, server: Server) -> None:
    body = httpx.get(f"{server.url}/api/v1/initiatives", timeout=120).json()
    visit = Visit(browser, server.url + "/initiatives", DESKTOP)
    try:
        visit.page.wait_for_selector("#ranked tbody tr", timeout=120_000)
        shown = visit.page.locator("#ranked tbody tr").evaluate_all("rows => rows.map(r => r.dataset.initiative)")
        assert shown == [r["id"] for r in body["initiatives"]]
        for row in body["initiatives"]:
            score = visit.page.locator(f"tr[data-initiative='{row['id']}'] td.score").inner_text()
            assert score == ("–" if row["score"] is None else f"{row['score']:.3f}")
        price = next(r for r in body["initiatives"] if r["id"] == "price_list_2026")
        quarter = price["measured"]["kpis"][0]["windows"][1]
        text = visit.page.locator("tr[data-initiative='price_list_2026'] [data-window='quarter']").inner_text()
        assert f"{quarter['change_pct'] * 100:+.1f}%" in text
        assert visit.problems == []
        shot(visit, "initiatives-1440.png")
    finally:
        visit.close()


def test_overview_panel_lists_open_action_items(browser: Any, server: Server) -> None:
    visit = Visit(browser, server.url + "/", DESKTOP)
    try:
        visit.page.wait_for_selector("#actions-panel li[data-action]")
        overdue = visit.page.locator("#actions-panel li.overdue").all_inner_texts()
        assert any("Win-back offer" in t and "(overdue)" in t for t in overdue)
        assert visit.problems == []
    finally:
        visit.close()


def test_a_ranking_changed_in_the_ui_needs_a_reason(browser: Any, server: Server) -> None:
    visit = Visit(browser, server.url + "/meeting?period=2026Q4", DESKTOP)
    try:
        visit.page.wait_for_selector("#ranks tbody tr")
        visit.page.click("#rank-box summary")
        visit.page.fill("#new-ranking [name=stakeholder]", "marketing")
        visit.page.fill("#new-ranking [name=kpis]", "csat, paying_accounts, nps")
        visit.page.click("#new-ranking button[type=submit]")
        visit.page.wait_for_selector("#error:not([hidden])")
        assert "needs a reason" in visit.page.locator("#error").inner_text()
        visit.page.fill("#new-ranking [name=reason]", "Churn calls showed support quality matters most")
        visit.page.click("#new-ranking button[type=submit]")
        visit.page.wait_for_selector("#changes li:has-text('Churn calls showed')")
        body = httpx.get(f"{server.url}/api/v1/meeting", params={"period": "2026Q4"}, timeout=30).json()
        marketing = next(r for r in body["rankings"] if r["stakeholder"] == "marketing")
        assert (marketing["kpis"], marketing["source"]) == (["csat", "paying_accounts", "nps"], "ui")
        change = next(c for c in body["changes"] if c["reason"].startswith("Churn calls"))
        assert change["kind"] == "priority_change" and change["who"] == "marketing"
        expected = ("422: " + server.url + "/api/v1/meeting/rankings", "status of 422")
        assert [p for p in visit.problems if not any(e in p for e in expected)] == []
    finally:
        visit.close()


def test_an_initiative_added_in_the_ui_is_ranked(browser: Any, server: Server) -> None:
    visit = Visit(browser, server.url + "/initiatives", DESKTOP)
    try:
        visit.page.wait_for_selector("#ranked tbody tr", timeout=120_000)
        visit.page.click("#add-initiative summary")
        for name, value in {
            "id": "churn_survey",
            "name": "Exit survey für Kündiger",
            "owner": "Zoë",
            "metric": "paying_accounts",
            "low": "0.01",
            "high": "0.03",
            "effort": "2",
        }.items():
            visit.page.fill(f"#new-initiative [name={name}]", value)
        visit.page.click("#new-initiative button[type=submit]")
        visit.page.wait_for_selector("tr[data-initiative='churn_survey']", timeout=120_000)
        one = httpx.get(f"{server.url}/api/v1/initiatives/churn_survey", timeout=120).json()
        assert (one["source"], one["name"], one["expects"][0]["metric"]) == (
            "ui",
            "Exit survey für Kündiger",
            "paying_accounts",
        )
        shown = visit.page.locator("tr[data-initiative='churn_survey'] td.score").inner_text()
        assert shown == f"{one['score']:.3f}"
        assert visit.problems == []
    finally:
        visit.close()
