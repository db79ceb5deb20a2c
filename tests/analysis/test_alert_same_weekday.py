"""`same_weekday: true` on a rolling rule: the median and MAD of the same weekday's past points only.

Expected bands come from a hand-worked example and from a plain-Python reference (the `statistics`
module, one point at a time), never from the code under test."""

from __future__ import annotations

import statistics

import numpy as np
import pytest

from headway.analysis.alerts import baselines
from headway.analysis.alerts.evaluate import decide
from headway.spec.alerts import AlertRule
from headway.spec.models import Grain, Metric

WEEK = [100.0, 100.0, 100.0, 100.0, 100.0, 40.0, 40.0]  # weekdays, then a low weekend
METRIC = Metric.model_validate({"id": "m", "kind": "kpi", "source": "s", "measure": {"agg": "sum", "expr": "x"}})


def rows(values: list[float | None]) -> list[dict[str, object]]:
    days = np.datetime64("2026-01-05") + np.arange(len(values))  # a Monday
    return [{"period": str(d), "value": v, "n": 100} for d, v in zip(days, values, strict=True)]


def reference(x: list[float | None], t: int, window: int, k: float) -> tuple[float, float, float] | None:
    """(expected, low, high) at t from the points 7, 14, ... days back within `window`, or None under 5."""
    past = [x[t - 7 * j] for j in range(1, window // 7 + 1) if t - 7 * j >= 0]
    values = [v for v in past if v is not None]
    if len(values) < 5:
        return None
    centre = statistics.median(values)
    sigma = 1.4826 * statistics.median([abs(v - centre) for v in values])
    return centre, centre - k * sigma, centre + k * sigma


def test_a_hand_worked_monday() -> None:
    x = np.array(WEEK * 6)
    x[[0, 7, 14, 21, 28]] = [100.0, 104.0, 98.0, 102.0, 100.0]  # five Mondays
    bands = baselines.rolling(x, window=35, k=3, step=7)
    # Monday t=35: median of [100, 104, 98, 102, 100] is 100; |dev| [0, 4, 2, 2, 0] median 2; sigma 2.9652
    assert bands.expected[35] == 100.0
    assert (bands.low[35], bands.high[35]) == pytest.approx((100 - 3 * 2.9652, 100 + 3 * 2.9652), abs=1e-12)
    # Saturday t=40: five Saturdays of 40, no spread: the band is 40 exactly, not the weekdays' 100
    assert (bands.expected[40], bands.low[40], bands.high[40]) == (40.0, 40.0, 40.0)
    assert np.isnan(bands.expected[:35]).all()  # fewer than five of each weekday before day 35


def test_matches_a_point_by_point_reference_with_gaps() -> None:
    rng = np.random.default_rng(3)
    x: list[float | None] = [float(v) for v in np.tile(WEEK, 20) * rng.uniform(0.9, 1.1, 140)]
    for gap in (50, 57, 64, 99):  # an empty period (a missing day) is skipped, not a zero
        x[gap] = None
    values = np.array([np.nan if v is None else v for v in x])
    bands = baselines.rolling(values, window=56, k=2.5, step=7)
    checked = 0
    for t in range(len(x)):
        want = reference(x, t, 56, 2.5)
        if want is None:
            assert np.isnan(bands.expected[t])
            continue
        got = (bands.expected[t], bands.low[t], bands.high[t])
        assert got == pytest.approx(want, rel=1e-12), t
        checked += 1
    assert checked > 100


def test_a_weekly_cycle_stops_paging_and_a_real_saturday_drop_still_fires() -> None:
    x: list[float | None] = [v * (1 + 0.01 * ((i * 7) % 5 - 2)) for i, v in enumerate(WEEK * 10)]
    x[61] = 20.0  # a Saturday at half its usual 40
    plain = AlertRule(id="r", metric="m", baseline="rolling", window=56, k=4, watch="both", weekly="off")
    weekday = plain.model_copy(update={"same_weekday": True, "weekly": "auto"})
    fired_plain = [p.period for p in decide(plain, METRIC, rows(x), Grain.DAY).fired]
    fired_weekday = [p.period for p in decide(weekday, METRIC, rows(x), Grain.DAY).fired]
    assert len(fired_plain) >= 8  # every weekend breaks the mixed window's band
    assert fired_weekday == ["2026-03-07"]  # the Saturday, and only it


def test_at_week_grain_it_falls_back_and_says_so() -> None:
    x = [100.0, 102.0, 98.0, 101.0, 99.0, 100.0, 130.0]
    rule = AlertRule(id="r", metric="m", baseline="rolling", window=5, k=3, same_weekday=True, watch="both")
    found = decide(rule, METRIC, [{**r, "period": f"2026-W{i + 1:02d}"} for i, r in enumerate(rows(x))], Grain.WEEK)
    assert "same_weekday needs day grain" in found.note and found.noted is not None and all(found.noted)
    assert [p.period for p in found.fired] == ["2026-W07"]  # the plain window: median 100, MAD 1


def test_the_message_names_the_same_weekday_band() -> None:
    from headway.alerts.message import compose

    incident = {"period": "2026-03-07", "value": 20.0, "expected": 40.0, "low": 35.0, "high": 45.0, "direction": "down"}
    rule = AlertRule(id="sat", metric="m", baseline="rolling", window=56, same_weekday=True)
    found = compose(state="firing", incident=incident, rule=rule, metric=METRIC, owner=None, base_url="", ack_url=None)
    assert "baseline: rolling, same weekday (rule sat), band 35 to 45" in found.text
    plain = compose(
        state="firing", incident=incident, rule=rule.model_copy(update={"same_weekday": False, "weekly": "off"}),
        metric=METRIC, owner=None, base_url="", ack_url=None,
    )  # fmt: skip
    assert "baseline: rolling, plain (rule sat), band 35 to 45" in plain.text
