"""Alerts on the dashboard: the overview's feed (acknowledge from the page, in Chromium), the markers
on a metric's chart and their JSON twin, against a real server and the shop workspace of
tests/alerting.py (revenue drops to 400 on its last day, 2026-03-01; sign-ups lose Zürich's 30).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from alerting import Clock, Receiver, SmtpServer, build_shop, write_orders
from fixtures import Server
from test_browser import ARTIFACTS

from headway.alerts.channels import Context
from headway.serve import create_app
from headway.serve.alerts_service import AlertOptions, AlertService


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, AlertService, Path]]:
    with Receiver() as receiver, SmtpServer() as smtp:
        root = build_shop(tmp_path / "shop", receiver.url("/hook"), receiver.url("/slack"))
        context = Context({**smtp.env, "HEADWAY_ALERT_SECRET": "s"}, lambda _: None, 5.0)
        app = create_app(root, warm=False, alerts=AlertOptions(interval=0, clock=Clock(), context=context))
        with Server(app) as server:
            service: AlertService = app.state.alerts
            assert service.tick() == "evaluated"
            yield server, service, root


def get(server: Server, path: str, **params: Any) -> Any:
    answer = httpx.get(server.url + path, params=params, timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_open_feed_and_markers_follow_the_lifecycle(served: tuple[Server, AlertService, Path]) -> None:
    server, service, root = served
    feed = get(server, "/api/v1/alerts", state="open")["alerts"]
    assert sorted((a["metric"], a["state"], a["period"]) for a in feed) == [
        ("revenue", "firing", "2026-03-01"),
        ("signups", "firing", "2026-03-01"),
    ]
    revenue = next(a for a in feed if a["metric"] == "revenue")
    markers = get(server, "/api/v1/metrics/revenue/alerts")
    assert markers["metric"] == "revenue"
    assert [(m["kind"], m["period"], m["value"]) for m in markers["markers"]] == [("fired", "2026-03-01", 400.0)]

    acked = httpx.post(f"{server.url}/api/v1/alerts/{revenue['id']}/ack", json={"by": "Zoë"}, timeout=30)
    assert acked.status_code == 200
    kinds = [(m["kind"], m.get("by")) for m in get(server, "/api/v1/metrics/revenue/alerts")["markers"]]
    assert kinds == [("fired", None), ("acknowledged", "Zoë")]
    # sign-ups fired as a driver of revenue (one incident through the metric tree): acknowledged with it
    still_open = get(server, "/api/v1/alerts", state="open")["alerts"]
    assert sorted((a["metric"], a["state"]) for a in still_open) == [
        ("revenue", "acknowledged"),
        ("signups", "acknowledged"),
    ]

    write_orders(root / "data" / "orders.parquet", drop_last=False)  # the day is restated: revenue is normal again
    assert service.tick() == "evaluated"
    final = get(server, "/api/v1/metrics/revenue/alerts")["markers"]
    assert [(m["kind"], m["period"]) for m in final][::2] == [("fired", "2026-03-01"), ("resolved", "2026-03-01")]
    assert get(server, "/api/v1/alerts", state="open")["alerts"] == []
    assert [a["state"] for a in get(server, "/api/v1/alerts", state="resolved")["alerts"]] == ["resolved", "resolved"]


def test_markers_of_an_unknown_metric_or_bad_state_are_clear_errors(served: tuple[Server, AlertService, Path]) -> None:
    server, _, _ = served
    missing = httpx.get(f"{server.url}/api/v1/metrics/revenu/alerts", timeout=30)
    assert missing.status_code == 404 and missing.json()["code"] == "unknown_metric"
    assert "revenue" in missing.json()["hint"]  # did you mean
    hostile = httpx.get(f"{server.url}/api/v1/metrics/n%C3%B6pe'%20OR%201=1/alerts", timeout=30)
    assert hostile.status_code == 422 and hostile.json()["ok"] is False
    bad = httpx.get(f"{server.url}/api/v1/alerts", params={"state": "open' OR 1=1"}, timeout=30)
    assert bad.status_code == 400 or bad.status_code == 422
    assert bad.json()["ok"] is False
    assert get(server, "/api/v1/metrics/refunds/alerts")["markers"] == []


@pytest.mark.browser
def test_acknowledge_from_the_overview_and_see_markers(browser: Any, served: tuple[Server, AlertService, Path]) -> None:
    server, _, _ = served
    page = browser.new_page()
    try:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.url + "/")
        page.wait_for_selector("#alerts li.alert")
        items = page.locator("#alerts li.alert")
        assert items.count() == 2
        revenue = page.locator("#alerts li.alert", has_text="revenue")
        assert "firing" in revenue.inner_text() and "400" in revenue.inner_text()
        assert "revenue fell below its band" in revenue.inner_text()
        revenue.get_by_role("button", name="Acknowledge").click()
        assert page.locator("#alert-error").inner_text().startswith("Say who acknowledges")
        page.fill("#ack-by", "Zoë Ōsaka")
        revenue.get_by_role("button", name="Acknowledge").click()
        page.wait_for_selector("#alerts li.alert.acknowledged")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "alert-feed.png"), full_page=True)
        feed = get(server, "/api/v1/alerts", metric="revenue")["alerts"]
        assert (feed[0]["state"], feed[0]["acknowledged_by"]) == ("acknowledged", "Zoë Ōsaka")
        assert page.locator("#alerts li.alert.acknowledged").count() == 2  # its driver, sign-ups, with it
        assert page.locator("#alerts li.alert button").count() == 0  # nothing left to acknowledge

        page.goto(server.url + "/metrics/revenue?grain=day")
        page.wait_for_function("() => document.getElementById('chart').layout !== undefined")
        shapes = "(document.getElementById('chart').layout.shapes || []).map(s => s.name || '')"
        page.wait_for_function(f"() => {shapes}.some(n => n.startsWith('alert-'))")
        names = page.evaluate(f"() => {shapes}.filter(n => n.startsWith('alert-'))")
        # fired on the data's last day; acknowledged on the clock's 2026-03-02, after the chart's last period
        assert [n.rsplit("-", 1)[0] for n in names] == ["alert-fired"]
        label = page.evaluate("() => document.getElementById('chart').layout.annotations.map(a => a.text)")
        assert "⚠ fired" in label
        page.screenshot(path=str(ARTIFACTS / "alert-markers.png"), full_page=True)
        assert errors == []
    finally:
        page.close()
