"""A check-in submitted in the /objectives page (real headless Chromium) is in the API afterwards."""

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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    demo: Path = generate(tmp_path_factory.mktemp("okr-browser") / "acme", seed=42, scale="small").path
    with Server(create_app(demo, warm=False)) as running:
        yield running


def until(page: Any, expression: str, timeout: float = 120) -> None:
    """Poll from Python: the pages' CSP forbids the eval behind wait_for_function."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


def test_check_in_from_the_page_reaches_the_api(browser: Any, server: Server) -> None:
    visit = Visit(browser, f"{server.url}/objectives/q4_happier_customers", WIDE)
    try:
        page = visit.page
        page.wait_for_selector('tr[data-kr="csat"]', timeout=120_000)
        page.select_option("#kr", "csat")
        page.fill("#confidence", "3")
        page.fill("#author", "Zoë")
        page.fill("#comment", "Réponses plus lentes — 遅い")
        page.fill("#blockers", "two people on leave")
        page.fill("#value", "3.95")
        page.click("#submit")
        until(page, "document.getElementById('saved').textContent.startsWith('Saved')")
        page.wait_for_selector("ul.history li", timeout=60_000)
        shown = page.locator("ul.history li").first.inner_text()
        assert "Zoë" in shown and "confidence 3" in shown and "Réponses plus lentes — 遅い" in shown
        assert "value 3.95" in shown
        body = httpx.get(f"{server.url}/api/v1/objectives/q4_happier_customers", timeout=120).json()
        csat = next(k for k in body["key_results"] if k["id"] == "csat")
        last = csat["checkins"]["history"][-1]
        assert (last["author"], last["confidence"], last["comment"], last["blockers"], last["value"]) == (
            "Zoë",
            3,
            "Réponses plus lentes — 遅い",
            "two people on leave",
            3.95,
        )
        assert page.locator('tr[data-kr="csat"] td.confidence').inner_text() == "3"
        frozen = csat["baseline"]["captured_at"][:10]  # the server froze it at start-up or on the first request
        assert page.locator('tr[data-kr="csat"] td.baseline').get_attribute("title") == f"frozen on {frozen}"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "objective-1440.png"), full_page=True)
        assert visit.problems == []
    finally:
        visit.close()


def test_list_page_shows_the_guardrail_flag_and_works_on_a_phone(browser: Any, server: Server) -> None:
    visit = Visit(browser, f"{server.url}/objectives?period=2026Q3", PHONE)
    try:
        page = visit.page
        page.wait_for_selector("#objective-q3_revenue_per_account", timeout=120_000)
        flag = page.locator("#objective-q3_revenue_per_account .flag").inner_text()
        assert "arpa improves while guardrail logo_churn_rate is worse" in flag
        assert page.locator("article.objective").count() == 3  # the quarter in the URL: Q3 only
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(ARTIFACTS / "objectives-390.png"), full_page=True)
        assert visit.problems == []
    finally:
        visit.close()
