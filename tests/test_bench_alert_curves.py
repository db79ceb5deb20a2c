"""The alert benchmark's sensitivity curves and equal-recall matching (`bench/alerts_curves.py`), on inputs
small enough to work out by hand."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import norm

from headway.spec.alerts import AlertRule

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import alerts
import alerts_curves
import alerts_static

G = len(alerts_static.GRID)


def hand_sweep() -> alerts_static.Sweep:
    """One series, four anomalies, one metric-year. Band (0, 0) catches all four with 10 false alerts,
    band (1, 1) two with 3, band (2, 2) two with 5; every other band catches nothing and raises nothing."""
    caught, false = np.zeros((1, G, G), dtype=np.int32), np.zeros((1, G, G), dtype=np.int32)
    for band, c, f in (((0, 0), 4, 10), ((1, 1), 2, 3), ((2, 2), 2, 5)):
        caught[(0, *band)], false[(0, *band)] = c, f
    return alerts_static.Sweep(caught, caught.copy(), false, np.zeros_like(caught), np.array([4]), 1.0)


def hand_curve(recall: list[float], false: list[float]) -> alerts_curves.Curve:
    settings = [f"k={i + 1}" for i in range(len(recall))]
    zeros = np.zeros(len(recall))
    return alerts_curves.Curve("m", settings, zeros, np.array(recall), np.array(false), zeros, 1)


def test_fewest_false_alerts_at_or_above_a_recall() -> None:
    recall = np.array([0.9, 0.7, 0.5, 0.5, 0.2, 0.7])
    false = np.array([10.0, 4.0, 1.0, 2.0, 0.0, 4.0])
    assert alerts_curves.fewest_false(recall, false, 0.5) == 2  # 1 false alert, the fewest with recall >= 0.5
    assert alerts_curves.fewest_false(recall, false, 0.7) == 1  # two settings tie at 4: the first
    assert alerts_curves.fewest_false(recall, false, 0.1) == 4
    assert alerts_curves.fewest_false(recall, false, 0.95) is None  # no setting reaches it
    assert alerts_curves.fewest_false(np.array([0.6, 0.8]), np.array([3.0, 3.0]), 0.5) == 1  # tie: higher recall


CHEAP = ([1.0, 0.75, 0.5], [3.0, 1.0, 0.0])  # a method's recall and false alerts at k=1, 2, 3
DEAR = ([1.0, 0.5], [4.0, 2.0])


@pytest.mark.parametrize(
    ("curve", "target", "static_false", "setting", "ratio", "met"),
    [
        (CHEAP, 1.0, 10.0, "k=1", 0.3, True),  # only band (0, 0) and k=1 catch everything: 3 / 10
        (CHEAP, 0.75, 10.0, "k=2", 0.1, True),  # no band catches 0.75 but (0, 0); k=2 raises 1
        (CHEAP, 0.5, 3.0, "k=3", 0.0, True),  # band (1, 1) is the cheaper of the two bands at 0.5
        (DEAR, 1.0, 10.0, "k=1", 0.4, False),
        (DEAR, 0.5, 3.0, "k=2", 2 / 3, False),
    ],
    ids=["ceiling", "0.75", "0.5", "missed-ceiling", "missed-0.5"],
)
def test_equal_recall_on_a_hand_built_curve(
    curve: tuple[list[float], list[float]], target: float, static_false: float, setting: str, ratio: float, met: bool
) -> None:
    found = alerts_curves.at_equal_recall(hand_sweep(), hand_curve(*curve), target)
    assert found["static"]["false_per_metric_year"] == static_false
    assert found["method"]["setting"] == setting
    assert found["ratio"] == pytest.approx(ratio, abs=1e-12)
    assert found["meets_goal"] is met


def test_the_ceiling_is_the_best_static_recall_and_an_unreached_one_is_said() -> None:
    rows = alerts_curves.compare_curves(hand_sweep(), {"m": hand_curve([0.8, 0.5], [1.0, 0.0])}, {"m": 0.8})
    row = rows[0]
    assert row["static_ceiling"] == 1.0
    assert row["at_ceiling"]["method"] is None and row["at_ceiling"]["ratio"] is None  # the method tops out at 0.8
    assert row["at_default"]["static"]["false_per_metric_year"] == 10.0 and row["at_default"]["ratio"] == 0.1
    assert [round(a["target"], 2) for a in row["along"]] == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]


def test_no_ratio_when_the_static_band_raises_no_false_alert() -> None:
    sweep = hand_sweep()
    sweep.false[0, 1, 1] = 0  # band (1, 1) now catches half with no false alert
    found = alerts_curves.at_equal_recall(sweep, hand_curve([0.5, 0.5], [2.0, 0.0]), 0.5)
    assert found["ratio"] is None and found["meets_goal"]  # 0 against 0: nothing to divide, and no worse
    found = alerts_curves.at_equal_recall(sweep, hand_curve([0.5], [2.0]), 0.5)
    assert found["ratio"] is None and not found["meets_goal"]


def test_scaled_bands_start_alerts_where_worked_out_by_hand() -> None:
    x = np.array([100.0, 103.0, 100.0, 105.0, 105.0, 100.0, 97.5])
    expected, half = np.full(7, 100.0), np.full(7, 1.0)
    expected[0] = half[0] = np.nan  # warming up: never a breach
    starts, out = alerts_curves.scaled_starts(x, expected, half, np.array([2.0, 4.0]), 0)
    assert np.flatnonzero(starts[0]).tolist() == [1, 3, 6]  # 103 > 102; 105 twice is one run; 97.5 < 98
    assert np.flatnonzero(starts[1]).tolist() == [3]
    assert not out[:, 0].any()


def test_smoothing_levels_scale_by_the_normal_quantile() -> None:
    scales, settings = alerts_curves.settings_for("smoothing")
    levels = np.array([float(s.split("=")[1]) for s in settings])
    want = norm.ppf(0.5 + levels / 2) / norm.ppf(0.5 + 0.99 / 2)
    assert np.allclose(scales, want, rtol=1e-9)
    assert "level=0.999" in settings and scales[settings.index("level=0.99")] == pytest.approx(1.0)


def test_the_curve_fires_where_the_real_rule_fires() -> None:
    rng = np.random.default_rng(7)
    data = [alerts.make_series(rng) for _ in range(3)]
    rules = {"rolling": AlertRule(id="r", metric="m", baseline="rolling", k=4, watch="both")}
    alerts_curves.check_fast_path(rules, alerts.METRIC, data, alerts.WARMUP, alerts.decided)
    with pytest.raises(AssertionError, match="disagrees"):
        alerts_curves.check_fast_path(rules, alerts.METRIC, data, alerts.WARMUP, lambda rule, x: [-1])
    curve = alerts_curves.curve("rolling", rules["rolling"], alerts.METRIC, data, alerts.WARMUP)
    result = alerts.run(rules["rolling"], data)
    alerts_curves.check_defaults({"rolling": curve}, rules, [result])
