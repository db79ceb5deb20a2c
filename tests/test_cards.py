"""Overview cards: the status rule on hand-worked numbers; on the demo, the API's cards equal `headway query`
(run as a separate process, machine TZ America/Los_Angeles) and the page shows the API's numbers.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures import Server
from test_browser import ARTIFACTS, PHONE, Visit

from headway.analysis.cards import overview_cards
from headway.analysis.pace import Standing, assess, recent_pace
from headway.demo import generate
from headway.engine import Actor, Engine
from headway.serve import create_app
from headway.serve.pages import format_change, format_value
from headway.spec import load_workspace

HEADWAY = Path(sys.executable).parent / "headway"


# -- the status rule ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "target", "direction", "tolerance", "expected"),
    [
        (4.16, 4.0, 1, 0.1, Standing.ON_TRACK),  # a level to hold, met
        (3.95, 4.0, 1, 0.1, Standing.AT_RISK),  # 0.05 short, within 0.1
        (3.80, 4.0, 1, 0.1, Standing.OFF_TRACK),
        (0.09, 0.1, -1, 0.02, Standing.ON_TRACK),  # lower is better: below the ceiling
        (0.115, 0.1, -1, 0.02, Standing.AT_RISK),
        (96.0, 100.0, 1, None, Standing.AT_RISK),  # no tolerance: 5% of the target, 5
        (94.0, 100.0, 1, None, Standing.OFF_TRACK),
        (103.0, 100.0, None, 5.0, Standing.ON_TRACK),  # no direction: distance either way
        (108.0, 100.0, None, 5.0, Standing.AT_RISK),
        (89.0, 100.0, None, 5.0, Standing.OFF_TRACK),
    ],
)
def test_a_level_to_hold(
    value: float, target: float, direction: int | None, tolerance: float | None, expected: Standing
) -> None:
    assert assess(value, target, direction=direction, tolerance=tolerance).standing is expected


def test_a_target_ahead_is_judged_on_the_projection() -> None:
    # 100 now, +4 a period, 5 periods left: projected 120 against 125 with tolerance 10 -> at risk
    pace = assess(100, 125, direction=1, tolerance=10, periods_left=5, pace=4.0)
    assert (pace.standing, pace.compared, pace.needed_per_period) == (Standing.AT_RISK, 120.0, 5.0)
    assert assess(100, 125, direction=1, tolerance=10, periods_left=5, pace=6.0).standing is Standing.ON_TRACK
    assert assess(100, 125, direction=1, tolerance=10, periods_left=5, pace=0.0).standing is Standing.OFF_TRACK
    assert recent_pace([1.0, None, 3.0, 5.0]) == 2.0  # (5 - 1) over the two steps between known values
    assert recent_pace([None, 7.0]) is None


# -- on the demo -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("cards") / "acme", seed=42, scale="small").path


@pytest.fixture(scope="module")
def server(demo: Path) -> Iterator[Server]:
    with Server(create_app(demo, warm=False)) as running:
        yield running


@pytest.fixture(scope="module")
def cards(server: Server) -> dict[str, dict[str, Any]]:
    body = httpx.get(f"{server.url}/api/v1/cards", timeout=300).json()
    return {c["id"]: c for row in body["rows"].values() for c in row}


def cli(demo: Path, *args: str) -> list[dict[str, Any]]:
    env = {**os.environ, "TZ": "America/Los_Angeles"}
    done = subprocess.run(
        [HEADWAY, "query", *args, "--format", "json", "-w", str(demo)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    rows: list[dict[str, Any]] = json.loads(done.stdout)["rows"]
    return rows


@pytest.mark.parametrize("metric", ["csat", "nps", "cycle_time", "incidents"])
def test_a_card_equals_headway_query(demo: Path, cards: dict[str, dict[str, Any]], metric: str) -> None:
    card = cards[metric]
    previous = [r for r in cli(demo, metric, "--grain", card["grain"], "--compare", "previous") if r["complete"]]
    year = {r["period"]: r for r in cli(demo, metric, "--grain", card["grain"], "--compare", "year_ago")}
    last = previous[-1]
    assert (card["period"], card["value"], card["n"]) == (last["period"], last["value"], last["n"])
    assert card["previous"]["change_pct"] == last["change_pct"]
    assert card["year_ago"]["change_pct"] == year[last["period"]]["change_pct"]
    assert [p["value"] for p in card["sparkline"]] == [r["value"] for r in previous[-len(card["sparkline"]) :]]
    assert card["age_days"] == (dt.datetime.now(dt.UTC).date() - dt.date.fromisoformat(card["data_through"])).days


def test_status_follows_the_rule(demo: Path, cards: dict[str, dict[str, Any]]) -> None:
    csat = cards["csat"]  # target 4.0 (a level), tolerance 0.1, higher is better
    expected = "on_track" if csat["value"] >= 4.0 else ("at_risk" if csat["value"] >= 3.9 else "off_track")
    assert csat["pace"]["status"] == expected
    nps = cards["nps"]  # target 30 by 2026-12-31, tolerance 5, monthly: November and December are left
    months = [r["value"] for r in cli(demo, "nps", "--grain", "month") if r["complete"]]
    recent = months[-7:]
    pace = (recent[-1] - recent[0]) / (len(recent) - 1)
    projected = months[-1] + 2 * pace
    expected = "on_track" if projected >= 30 else ("at_risk" if projected >= 25 else "off_track")
    assert nps["pace"]["periods_left"] == 2
    assert nps["pace"]["compared_value"] == pytest.approx(projected)
    assert nps["pace"]["status"] == expected


def test_restricted_cards_show_no_numbers_to_the_web(cards: dict[str, dict[str, Any]]) -> None:
    assert cards["team_pulse"]["reason"] == "forbidden" and "value" not in cards["team_pulse"]


def test_a_counter_metric_is_flagged_when_its_kpi_improves_and_it_degrades(demo: Path) -> None:
    engine = Engine(load_workspace(demo))
    try:
        body = overview_cards(engine, actor=Actor.owner())
    finally:
        engine.close()
    mrr = next(c for c in body["rows"]["kpi"] if c["id"] == "paid_mrr")
    churn = next(k for k in mrr["counters"] if k["id"] == "logo_churn_rate")
    mrr_change = [r for r in cli(demo, "paid_mrr", "--grain", "month", "--compare", "previous") if r["complete"]][-1]
    churn_rows = cli(demo, "logo_churn_rate", "--grain", "month", "--compare", "previous")
    churn_change = [r for r in churn_rows if r["complete"]][-1]
    # paid MRR should rise; churn (direction: decrease) degrades when it rises
    assert churn["flag"] == (mrr_change["change_pct"] > 0 and churn_change["change_pct"] > 0)
    assert churn["change_pct"] == churn_change["change_pct"]


# -- the page in Chromium ------------------------------------------------------------------


@pytest.mark.parametrize(("viewport", "name"), [({"width": 1440, "height": 1000}, "desktop"), (PHONE, "phone")])
def test_cards_on_screen_are_the_apis(
    browser: Any, server: Server, cards: dict[str, dict[str, Any]], viewport: dict[str, int], name: str
) -> None:
    visit = Visit(browser, server.url + "/", viewport)
    try:
        visit.page.wait_for_selector(".card", timeout=300_000)
        for metric, card in cards.items():
            box = visit.page.locator(f'#cards article.card[data-metric="{metric}"]')
            if card["reason"]:
                continue
            assert box.locator(".value").inner_text() == format_value(card["value"], card["unit"]), metric
            assert box.locator(".previous").inner_text() == format_change(card["previous"]["change_pct"]), metric
            assert box.locator(".year-ago").inner_text() == format_change(card["year_ago"]["change_pct"]), metric
        order = visit.page.locator("#cards-kpi article.card").evaluate_all("cards => cards.map(c => c.dataset.metric)")
        assert order[0] == "paid_mrr"  # the north star first
        ARTIFACTS.mkdir(exist_ok=True)
        visit.page.screenshot(path=str(ARTIFACTS / f"overview-cards-{name}.png"), full_page=True)
        width = visit.page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"] + 2
        assert visit.problems == []
    finally:
        visit.close()


TRICKY = [3.355, 2.5, 3.5, 1234.5, 1235.5, 0.125, 0.375, -0.001, 1_000_000.5, 0.0005, 12.345, 99.995, -1234.5,
          0.15, 2.675, 1e-9, -2.5, 0.0, 987654321.123, 1005.0, 0.9995]  # fmt: skip


def test_the_pages_format_numbers_exactly_as_python_does(browser: Any, server: Server) -> None:
    """common.js must print what pages.format_value prints: ties, binary fractions, signs, separators."""
    visit = Visit(browser, server.url + "/tree", {"width": 800, "height": 600})
    try:
        visit.page.add_script_tag(url="/static/common.js")
        for unit in [None, "USD", "share", "days", "%", "count"]:
            script = "([xs, u]) => xs.map(x => window.headway.fmtValue(x, u, false))"
            shown = visit.page.evaluate(script, [TRICKY, unit])
            assert shown == [format_value(x, unit) for x in TRICKY], unit
        changes = visit.page.evaluate("xs => xs.map(x => window.headway.fmtChange(x))", TRICKY)
        assert changes == [format_change(x) for x in TRICKY]
    finally:
        visit.close()
