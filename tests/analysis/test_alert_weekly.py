"""`weekly: auto` (the default of a daily rolling rule): weekday offsets on the trailing window.

Every expected band comes from numpy medians worked out by hand at one point, or from a plain-Python
reference (the `statistics` module, one point and one weekday at a time), never from the code under
test; plain bands are compared with `baselines.rolling`, which has its own hand-worked tests."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from headway.analysis.alerts import baselines, weekly
from headway.analysis.alerts.evaluate import decide
from headway.spec.alerts import AlertRule
from headway.spec.models import Grain, Metric

WEEK = np.array([100.0, 100.0, 100.0, 100.0, 100.0, 40.0, 40.0])  # weekdays, then a low weekend
HEADWAY = str(Path(sys.executable).parent / "headway")
METRIC = Metric.model_validate({"id": "m", "kind": "kpi", "source": "s", "measure": {"agg": "sum", "expr": "x"}})


def rows(values: list[float | None] | np.ndarray) -> list[dict[str, object]]:
    days = np.datetime64("2026-01-05") + np.arange(len(values))  # a Monday
    pairs = zip(days, values, strict=True)
    return [{"period": str(d), "value": None if v is None else float(v), "n": 100} for d, v in pairs]


def cycled(weeks: int, seed: int, noise: float = 2.0) -> np.ndarray:
    return np.tile(WEEK, weeks) + np.random.default_rng(seed).normal(0, noise, 7 * weeks)


def reference(x: list[float | None], t: int, window: int, k: float) -> tuple[float, float, float, bool] | None:
    """(expected, low, high, adjusted) at t, one weekday at a time with `statistics`; None before 5 points."""
    past = {lag: x[t - lag] for lag in range(1, window + 1) if t - lag >= 0 and x[t - lag] is not None}
    if len(past) < 5:
        return None
    m = statistics.median(past.values())
    plain_sigma = 1.4826 * statistics.median(abs(v - m) for v in past.values())
    groups: dict[int, list[float]] = {d: [] for d in range(7)}  # by lag mod 7: 0 is t's own weekday
    for lag, v in past.items():
        groups[lag % 7].append(v - m)
    residuals = []
    for devs in groups.values():
        for i, dev in enumerate(devs):
            others = devs[:i] + devs[i + 1 :]
            if others:
                residuals.append(dev - statistics.median(others))
    counts_ok = all(len(devs) >= 3 for devs in groups.values())
    adjusted_error = statistics.fmean(abs(r) for r in residuals) if residuals else np.inf
    plain_error = statistics.fmean(abs(v - m) for v in past.values())
    if counts_ok and adjusted_error < 0.7 * plain_error:
        centre = statistics.median(residuals)
        sigma = 1.4826 * statistics.median(abs(r - centre) for r in residuals)
        expected = m + statistics.median(groups[0])
        return expected, expected - k * sigma, expected + k * sigma, True
    return m, m - k * plain_sigma, m + k * plain_sigma, False


def test_a_monday_and_a_saturday_by_hand() -> None:
    x = cycled(5, seed=1)
    bands, adjusted = weekly.weekday_adjusted(x, window=28, k=3)
    for t in (28, 33):  # a Monday, then a Saturday, each with the four weeks before it
        w = x[t - 28 : t]
        m = np.median(w)
        same = w[[i for i in range(28) if (t - 28 + i) % 7 == t % 7]]  # t's weekday: four points
        expected = m + np.median(same - m)
        residuals = []
        for day in range(7):
            devs = w[[i for i in range(28) if (t - 28 + i) % 7 == day]] - m
            residuals += [devs[i] - np.median(np.delete(devs, i)) for i in range(4)]  # each without itself
        r = np.array(residuals)
        sigma = 1.4826 * np.median(np.abs(r - np.median(r)))
        assert np.mean(np.abs(r)) < 0.7 * np.mean(np.abs(w - m))  # the weekly cycle is plain to see
        assert adjusted[t]
        assert (bands.expected[t], bands.low[t], bands.high[t]) == pytest.approx(
            (expected, expected - 3 * sigma, expected + 3 * sigma), rel=1e-12
        )
    assert bands.expected[33] == pytest.approx(40, abs=4)  # a Saturday expected at the weekend level
    plain = baselines.rolling(x, 28, 3)
    assert plain.expected[33] == pytest.approx(100, abs=4)  # where the plain median puts it


def test_matches_a_point_by_point_reference_with_gaps() -> None:
    x: list[float | None] = [float(v) for v in cycled(30, seed=7, noise=4.0)]
    for gap in (40, 47, 54, 61, 100, 150):  # four Mondays missing in a row: that weekday drops under three
        x[gap] = None
    x[120] = 400.0  # a spike
    values = np.array([np.nan if v is None else v for v in x])
    for window in (28, 35, 21):
        bands, adjusted = weekly.weekday_adjusted(values, window=window, k=2.5)
        seen = set()
        for t in range(len(x)):
            want = reference(x, t, window, 2.5)
            if want is None:
                assert np.isnan(bands.expected[t]), t
                continue
            got = (bands.expected[t], bands.low[t], bands.high[t])
            assert got == pytest.approx(want[:3], rel=1e-12, abs=1e-9), (window, t)
            assert bool(adjusted[t]) == want[3], (window, t)
            seen.add(want[3])
        assert seen == {True, False}  # both branches checked: early and gapped windows stay plain


def test_a_series_without_a_weekly_cycle_keeps_the_plain_band() -> None:
    switched = checked = 0
    for seed in range(20):
        rng = np.random.default_rng(seed)
        t = np.arange(730)
        x = 1000 + 0.2 * t + 100 * np.sin(2 * np.pi * t / 365) + rng.normal(0, 30, 730)  # trend, year, noise
        bands, adjusted = weekly.weekday_adjusted(x, window=28, k=4)
        plain = baselines.rolling(x, 28, 4)
        keep = ~adjusted
        for got, want in ((bands.expected, plain.expected), (bands.low, plain.low), (bands.high, plain.high)):
            np.testing.assert_array_equal(got[keep], want[keep])
        switched, checked = switched + int(adjusted.sum()), checked + len(x)
    assert switched / checked < 0.002  # noise fitted by seven medians rarely passes the 30% test
    flat = np.full(60, 50.0)
    bands, adjusted = weekly.weekday_adjusted(flat, window=28, k=4)
    assert not adjusted.any() and (bands.low[28:] == 50).all()  # nothing to adjust, nothing divided by zero


@pytest.mark.parametrize("seed", [3, 4, 5, 6, 7])
def test_a_past_anomaly_does_not_widen_the_band(seed: int) -> None:
    x = cycled(20, seed=seed)
    for anomalies, most in (([70], 1.6), ([70, 72, 73, 74], 2.5)):  # a Monday spike; then also a 3-day outage
        hit = x.copy()
        hit[anomalies[0]] += 500.0  # 250 noise sigmas
        hit[anomalies[1:]] = 0.0
        clean, _ = weekly.weekday_adjusted(x, window=28, k=4)
        after, adjusted = weekly.weekday_adjusted(hit, window=28, k=4)
        span = slice(anomalies[-1] + 1, 70 + 28)  # every window here holds the anomalies
        assert adjusted[span].all()
        ratio = (after.high[span] - after.low[span]) / (clean.high[span] - clean.low[span])
        # medians bound the damage: four of the 28 residuals move (the anomaly and its weekday's other three,
        # judged against it), where a standard deviation would grow ~40x with the spike
        assert np.max(ratio) < most
        assert np.max(np.abs(after.expected[span] - clean.expected[span])) < 3.0  # 1.5 noise sigmas at most
        gone = slice(anomalies[-1] + 29, None)  # once they leave the window the band is exactly the clean one
        np.testing.assert_array_equal(after.low[gone], clean.low[gone])
        np.testing.assert_array_equal(after.high[gone], clean.high[gone])


def test_the_default_stops_weekend_pages_and_still_catches_a_saturday_drop() -> None:
    x = cycled(12, seed=5)
    x[61] = 20.0  # a Saturday at half its usual 40
    default = AlertRule(id="r", metric="m", k=4, watch="both")  # rolling, window 28, weekly: auto
    off = default.model_copy(update={"weekly": "off"})
    fired = [p.period for p in decide(default, METRIC, rows(x), Grain.DAY).fired]
    fired_off = [p.period for p in decide(off, METRIC, rows(x), Grain.DAY).fired]
    # before day 21 a window holds fewer than three of each weekday: the plain band, so the first
    # weekends (days 5 and 12, and 19) still breach it; from then on only the real drop
    weekend = {r["period"] for i, r in enumerate(rows(x)) if i % 7 >= 5}  # day 0 is a Monday
    assert "2026-03-07" in fired and "2026-03-07" in weekend
    assert [p for p in fired if p >= "2026-01-26" and p in weekend] == ["2026-03-07"]
    assert len([p for p in fired if p >= "2026-01-26"]) <= 3  # noise alone: a 4-sigma band, rarely
    assert len([p for p in fired_off if p >= "2026-01-26" and p in weekend]) >= 8  # weekly: off pages every weekend
    assert "2026-03-07" in fired_off


def test_week_grain_keeps_the_plain_band() -> None:
    x = cycled(12, seed=2)
    rule = AlertRule(id="r", metric="m", k=3, watch="both")
    at_week = decide(rule, METRIC, rows(x), Grain.WEEK)
    plain = baselines.rolling(x, 28, 3)
    assert [p.expected for p in at_week.points[28:]] == pytest.approx(list(plain.expected[28:]))


def test_the_message_names_the_variant() -> None:
    from headway.alerts.message import compose

    incident = {"period": "2026-03-07", "value": 20.0, "expected": 40.0, "low": 35.0, "high": 45.0, "direction": "down"}
    rule = AlertRule(id="sat", metric="m")
    used = compose(
        state="firing", incident={**incident, "variant": "weekday-adjusted"}, rule=rule, metric=METRIC,
        owner=None, base_url="", ack_url=None,
    )  # fmt: skip
    assert "baseline: rolling, weekday-adjusted (rule sat), band 35 to 45" in used.text
    assert used.data["variant"] == "weekday-adjusted"
    unknown = compose(
        state="firing", incident=incident, rule=rule, metric=METRIC, owner=None, base_url="", ack_url=None
    )
    assert "baseline: rolling, weekday-adjusted at day grain when the window shows a weekly cycle" in unknown.text


def test_yaml_off_and_on_read_as_the_user_meant() -> None:
    assert AlertRule.model_validate({"id": "r", "metric": "m", "weekly": False}).weekly == "off"  # `weekly: off`
    assert AlertRule.model_validate({"id": "r", "metric": "m", "weekly": True}).weekly == "auto"
    assert AlertRule.model_validate({"id": "r", "metric": "m"}).weekly == "auto"


DEMO_RULES = """alerts:
  - id: events_default
    metric: mobile_events
    k: 4
  - id: events_off
    metric: mobile_events
    k: 4
    weekly: off
"""


def test_a_backtest_on_the_demo_names_the_variant_and_finds_the_outage(tmp_path: Path) -> None:
    """The real CLI on the small demo, in a machine zone west of UTC: the default rolling rule raises one
    alert, on the planted tracking outage (README: no mobile events on 2026-08-14), and says which band."""
    from headway.demo import generate

    root = generate(tmp_path / "acme", seed=42, scale="small").path
    (root / "alerts").mkdir(exist_ok=True)
    (root / "alerts" / "events.yml").write_text(DEMO_RULES, encoding="utf-8")  # `weekly: off` unquoted
    env = {**os.environ, "TZ": "America/Los_Angeles"}

    def backtest(rule: str) -> dict[str, Any]:
        args = [HEADWAY, "alerts", "test", rule, "--from", "2026-01-01", "--to", "2026-10-31", "--format", "json"]
        done = subprocess.run([*args, "-w", str(root)], capture_output=True, text=True, env=env, check=False)
        assert done.returncode == 0, done.stderr
        body: dict[str, Any] = json.loads(done.stdout)
        return body

    default = backtest("events_default")
    assert [(a["period"], a["value"], a["variant"]) for a in default["alerts"]] == [
        ("2026-08-14", 0.0, "weekday-adjusted")
    ]
    assert default["baseline"] == "rolling" and default["variant"].startswith("weekday-adjusted on ")
    off = backtest("events_off")
    assert off["variant"] == "plain" and all(a["variant"] == "plain" for a in off["alerts"])


def test_every_rule_field_is_in_docs_alerts() -> None:
    text = (Path(__file__).parents[2] / "docs" / "alerts.md").read_text(encoding="utf-8")
    missing = [f for f in AlertRule.model_fields if f"`{f}`" not in text]
    assert not missing, f"document these alert rule fields in docs/alerts.md: {missing}"
