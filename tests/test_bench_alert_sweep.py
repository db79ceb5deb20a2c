"""The alert benchmark's static-band sweep (`bench/alerts_static.py`), on series whose answer is worked out by hand.

Series A: the first 90 days alternate 99 and 101 (median 100, MAD 1, spread 1.4826), then 100
with one injected spike of 130 on day 120 and an unlabelled dip to 96 on days 150-152. A band
(100 - a·s, 100 + b·s) catches the spike when b < 30/s and raises one false alert when a < 4/s.
Series B: the same start, then a drift to 105 on days 100-140 and an injected ten-day shift to 104
from day 120, inside the drift: a band that sees 104 is already breached by 105 (the anomaly is
swallowed), and a band between 104 and 105 starts its next alert on day 130, too late to count.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

from headway.analysis.alerts.evaluate import decide
from headway.spec.alerts import AlertRule
from headway.spec.models import Grain, Metric

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import alerts_static

SPREAD = 1.4826
WARMUP, DAYS = 90, 200


class Anomaly(NamedTuple):
    start: int
    length: int


def series(tail: dict[range, float]) -> np.ndarray:
    x = np.where(np.arange(DAYS) % 2 == 0, 99.0, 101.0)
    x[WARMUP:] = 100.0
    for days, value in tail.items():
        x[days.start : days.stop] = value
    return x


A = (series({range(120, 121): 130.0, range(150, 153): 96.0}), [Anomaly(120, 1)])
B = (series({range(100, 141): 105.0, range(120, 130): 104.0}), [Anomaly(120, 10)])
GRID = alerts_static.GRID


def test_each_band_scores_as_worked_out_by_hand() -> None:
    swept = alerts_static.sweep([A], WARMUP)
    a, b = np.meshgrid(GRID, GRID, indexing="ij")
    caught = (b < 30 / SPREAD).astype(int)
    assert (swept.caught[0] == caught).all() and (swept.true[0] == caught).all()
    assert (swept.false[0] == (a < 4 / SPREAD)).all()
    assert (swept.swallowed[0] == 0).all()


def test_equal_recall_and_equal_false_alerts() -> None:
    swept = alerts_static.sweep([A, B], WARMUP)
    totals = alerts_static.totals(swept, 1)
    found = alerts_static.at_recall(totals, 1.0)
    assert found["reached"] and found["false_per_metric_year"] == 0.0  # a wide low side, a narrow high side
    both = alerts_static.totals(swept, 2)
    ceiling = alerts_static.at_recall(both, 0.8)
    assert not ceiling["reached"] and ceiling["recall"] == 0.5  # B's anomaly is caught by no band
    # the best band at recall 0.5 raises no false alert on A and none on B: 105 and 104 are inside it
    assert ceiling["false_per_metric_year"] == 0.0
    assert alerts_static.at_false(both, 0.0)["recall"] == 0.5
    narrow = np.searchsorted(GRID, 2.0)  # b ≈ 2 spreads: 104 and 105 are outside, and 105 came first
    assert swept.swallowed[1, :, narrow].all()
    method = {"method": "m", "series": 2, "recall": 1.0, "false_per_metric_year": 1.0}
    curve = [  # the method at three sensitivities on the same two series
        {"series": 2, "recall": 1.0, "false_per_metric_year": 2.0, "setting": "k=2"},
        {"series": 2, "recall": 0.5, "false_per_metric_year": 0.0, "setting": "k=4"},
        {"series": 2, "recall": 0.0, "false_per_metric_year": 0.0, "setting": "k=8"},
    ]
    rows = alerts_static.compare(swept, [method], {"m": curve})
    assert rows[0]["false_ratio_at_equal_recall"] is None and rows[0]["static_at_equal_false"]["recall"] == 0.5
    at_static = rows[0]["method_at_static_false"]  # the ceiling band raises 0 false alerts: k=4 is the best fit
    assert (at_static["static_false_per_metric_year"], at_static["setting"], at_static["method_recall"]) == (
        0.0,
        "k=4",
        0.5,
    )


def test_the_sweep_fires_where_the_real_static_rule_fires() -> None:
    metric = Metric.model_validate({"id": "m", "kind": "kpi", "source": "s", "measure": {"agg": "sum", "expr": "x"}})
    periods = [f"d{i:04d}" for i in range(DAYS)]

    def fired(x: np.ndarray, low: float | None, high: float | None) -> list[int]:
        rule = AlertRule(id="s", metric="m", baseline="static", low=low, high=high, watch="both")
        rows = [{"period": p, "value": float(v), "n": 100} for p, v in zip(periods, x, strict=True)]
        starts = [int(p.period[1:]) for p in decide(rule, metric, rows, Grain.DAY).fired]
        return [s for s in starts if s >= WARMUP]

    alerts_static.check_fast_path([A, B, A], WARMUP, fired)
    with pytest.raises(AssertionError, match="disagrees"):
        alerts_static.check_fast_path([A], WARMUP, lambda x, low, high: [])
