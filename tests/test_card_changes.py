"""Is this change real? The overview cards' test of each change, against SciPy and statsmodels.

A shop's visits: January 400 visits with 40 conversions and baskets around 50; February 400
visits with 68 conversions (a real rise) and baskets from the same distribution (noise). Orders are a count: a
total of everything, so its change is exact and gets no test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fixtures import Server
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from headway.serve import create_app

SPEC = {
    "headway.yml": "name: shop\ntimezone: UTC\ndefault_grain: month\n",
    "sources/visits.yml": """sources:
  - name: visits
    path: data/visits.parquet
    time: ts
    columns:
      ts: {type: timestamp}
      converted: {type: boolean}
      basket: {type: double}
""",
    "metrics/shop.yml": """metrics:
  - id: visits
    name: Visits
    kind: input
    unit: count
    source: visits
    measure: {agg: count}
  - id: conversions
    name: Conversions
    kind: kpi
    unit: count
    source: visits
    measure: {agg: count}
    filter: converted
  - id: conversion
    name: Conversion rate
    kind: kpi
    unit: share
    direction: increase
    ratio: {numerator: conversions, denominator: visits}
  - id: basket
    name: Average basket
    kind: kpi
    unit: EUR
    direction: increase
    source: visits
    measure: {agg: avg, expr: basket}
""",
}
CONVERTED = {1: 40, 2: 68}


def baskets(month: int) -> list[float]:
    rng = np.random.default_rng(month)
    return [round(float(v), 2) for v in rng.normal(50, 12, 400)]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("cards") / "shop"
    for name, text in SPEC.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    ts, converted, basket = [], [], []
    for month in (1, 2, 3):  # March is the open month: its one visit makes February complete
        values = baskets(month) if month < 3 else [50.0]
        for i, v in enumerate(values):
            ts.append(dt.datetime(2026, month, 1 + i % 28, 10))
            converted.append(i < CONVERTED.get(month, 0))
            basket.append(v)
    (root / "data").mkdir()
    table = pa.table({"ts": pa.array(ts, pa.timestamp("us")), "converted": converted, "basket": basket})
    pq.write_table(table, root / "data" / "visits.parquet")
    with Server(create_app(root, warm=False)) as running:
        yield running


@pytest.fixture(scope="module")
def cards(server: Server) -> dict[str, dict[str, Any]]:
    body = httpx.get(f"{server.url}/api/v1/cards", timeout=120).json()
    return {c["id"]: c for row in body["rows"].values() for c in row}


def test_a_real_rise_in_a_share_is_significant(cards: dict[str, dict[str, Any]]) -> None:
    change = cards["conversion"]["previous"]
    _, p = proportions_ztest([68, 40], [400, 400])  # pooled two-proportion z-test
    assert (cards["conversion"]["period"], change["period"]) == ("2026-02-01", "2026-01-01")
    assert change["test"] == "two_proportion_z" and change["p_value"] == pytest.approx(p, rel=1e-9)
    assert p < 0.05 and change["significant"] is True and change["verdict"].startswith("significant (p ")


def test_noise_in_an_average_is_not_significant(cards: dict[str, dict[str, Any]]) -> None:
    change = cards["basket"]["previous"]
    p = stats.ttest_ind(baskets(2), baskets(1), equal_var=False).pvalue
    assert change["test"] == "welch_t" and change["p_value"] == pytest.approx(p, rel=1e-9)
    assert p > 0.05 and change["significant"] is False
    assert change["verdict"].startswith("within noise (p = ")


def test_a_total_changed_exactly_and_an_empty_comparison_says_so(cards: dict[str, dict[str, Any]]) -> None:
    counted = cards["conversions"]["previous"]
    assert (counted["change_pct"], counted["test_status"], counted["p_value"]) == (68 / 40 - 1, "fully_observed", None)
    assert counted["significant"] is False
    year = cards["conversion"]["year_ago"]  # nothing a year before
    assert (year["test_status"], year["p_value"], year["significant"]) == ("no_data", None, False)


@pytest.mark.browser
def test_the_card_shows_words_and_a_cue(browser: Any, server: Server, cards: dict[str, dict[str, Any]]) -> None:
    page = browser.new_page()
    try:
        page.goto(server.url + "/")
        page.wait_for_selector("article.card[data-metric=conversion] p.test")
        real = page.locator("article.card[data-metric=conversion]")
        assert real.locator(".changes .previous.sig").count() == 1
        assert real.locator("p.test").inner_text() == "vs previous: " + cards["conversion"]["previous"]["verdict"]
        total = page.locator("article.card[data-metric=conversions]")
        assert total.locator(".changes .previous.untested").count() == 1
        assert "the change is exact" in total.locator("p.test").inner_text()
    finally:
        page.close()
