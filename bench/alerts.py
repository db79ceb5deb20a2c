"""Alert quality and speed on synthetic daily series with known anomalies (`make bench`, or alone).

Each series: a level between 100 and 10,000, a trend of up to ±30% a year, weekly (10-30%) and
yearly (10-20%) seasonality, 3% noise, and six injected anomalies after day 90: two spikes and
two drops of 6-10 noise sigmas (one day each), and two level shifts of ±5 sigmas for 14 days.
An anomaly is caught when an alert starts between its first day and two days later; an alert
starting outside every anomaly's span (plus two days) is false. Rules fire on 1 of 1 points,
watch both sides and recover after one calm point.

The static rules are swept over their width and centre (`alerts_static.py`): each dynamic rule is
set against the static band with the fewest false alerts at its recall, and against the static
band with the highest recall at its false-alert rate, on the same series. Where no static band
reaches a rule's recall, the report says so and gives the static ceiling.

Each dynamic rule is also swept over its own sensitivity (`alerts_curves.py`: k, or the interval's
level) and compared with the static band at equal recall, curve against curve: the goal's verdict
is read at the highest recall any static band reaches. `rolling` is the rolling rule as a user gets
it (`weekly: auto`: weekday offsets where the window shows a weekly cycle), `plain` the same rule
with `weekly: off`, and `weekday` the rolling rule with `same_weekday: true` (the window keeps only
the same weekday's points).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

import alerts_curves
import alerts_static
import numpy as np

from headway.analysis.alerts.evaluate import decide
from headway.spec.alerts import AlertRule
from headway.spec.models import Grain, Metric

DAYS = 730
WARMUP = 90
SERIES = int(os.environ.get("BENCH_ALERT_SERIES", "500"))
SMOOTHING_SERIES = int(os.environ.get("BENCH_SMOOTHING_SERIES", "20"))
RECOMMENDED = "seasonal"  # what README recommends for daily series with a weekly cycle
METRIC = Metric.model_validate({"id": "m", "kind": "kpi", "source": "s", "measure": {"agg": "sum", "expr": "x"}})
PERIODS = [f"d{i:04d}" for i in range(DAYS)]  # sortable stand-ins for dates; only order matters here


@dataclass(frozen=True)
class Anomaly:
    start: int
    length: int


def make_series(rng: np.random.Generator) -> tuple[np.ndarray, list[Anomaly]]:
    t = np.arange(DAYS)
    level = rng.uniform(100, 10_000)
    trend = 1 + rng.uniform(-0.3, 0.3) * t / 365
    weekly = 1 + rng.uniform(0.1, 0.3) * np.where(t % 7 >= 5, -1.0, 0.4)
    yearly = 1 + rng.uniform(0.1, 0.2) * np.sin(2 * np.pi * (t + rng.uniform(0, 365)) / 365)
    sigma = 0.03 * level
    x = level * trend * weekly * yearly + rng.normal(0, sigma, DAYS)
    starts = np.sort(rng.choice(np.arange(WARMUP, DAYS - 20, 20), size=6, replace=False))
    anomalies = []
    for i, start in enumerate(starts):
        kind = ("spike", "drop", "shift")[i % 3]
        size = rng.uniform(6, 10) * sigma
        if kind == "spike":
            x[start] += size
        elif kind == "drop":
            x[start] -= size
        else:
            x[start : start + 14] += rng.choice([-1, 1]) * 5 * sigma
        anomalies.append(Anomaly(int(start), 14 if kind == "shift" else 1))
    return np.maximum(x, 0), anomalies


def score(fired: list[int], anomalies: list[Anomaly]) -> tuple[int, int, int]:
    """(anomalies caught, alerts that were true, false alerts)."""
    caught = sum(any(a.start <= f <= a.start + 2 for f in fired) for a in anomalies)
    true = sum(any(a.start <= f <= a.start + a.length + 1 for a in anomalies) for f in fired)
    return caught, true, len(fired) - true


def run(rule: AlertRule, data: list[tuple[np.ndarray, list[Anomaly]]], method: str | None = None) -> dict[str, Any]:
    caught = true = false = total = 0
    started = time.perf_counter()
    for x, anomalies in data:
        rows = [{"period": p, "value": float(v), "n": 100} for p, v in zip(PERIODS, x, strict=True)]
        evaluation = decide(rule, METRIC, rows, Grain.DAY)
        fired = [int(p.period[1:]) for p in evaluation.fired if int(p.period[1:]) >= WARMUP]
        c, t, f = score(fired, anomalies)
        caught, true, false, total = caught + c, true + t, false + f, total + len(anomalies)
    seconds = time.perf_counter() - started
    years = len(data) * (DAYS - WARMUP) / 365
    return {
        "method": method or rule.baseline.value,
        "series": len(data),
        "precision": true / (true + false) if true + false else 0.0,
        "recall": caught / total,
        "false_per_metric_year": false / years,
        "seconds": seconds,
    }


def static_fired(x: np.ndarray, low: float | None, high: float | None) -> list[int]:
    """Where the real static rule (`decide`) starts alerts after the warm-up, for the sweep's agreement check."""
    rule = AlertRule(id="s", metric="m", baseline="static", low=low, high=high, watch="both")
    rows = [{"period": p, "value": float(v), "n": 100} for p, v in zip(PERIODS, x, strict=True)]
    return [int(p.period[1:]) for p in decide(rule, METRIC, rows, Grain.DAY).fired if int(p.period[1:]) >= WARMUP]


def curves(data: list[tuple[np.ndarray, list[Anomaly]]], rules: dict[str, AlertRule]) -> dict[str, Any]:
    """Each dynamic rule over its whole sensitivity range (`alerts_curves`): on every series, smoothing on
    its first SMOOTHING_SERIES."""
    out = {}
    for method, rule in rules.items():
        series = data[:SMOOTHING_SERIES] if method == "smoothing" else data
        out[method] = alerts_curves.curve(method, rule, METRIC, series, WARMUP)
    return out


def decided(rule: AlertRule, x: np.ndarray) -> list[int]:
    """Where the real rule (`decide`) starts alerts after the warm-up, for the curves' agreement check."""
    rows = [{"period": p, "value": float(v), "n": 100} for p, v in zip(PERIODS, x, strict=True)]
    return [int(p.period[1:]) for p in decide(rule, METRIC, rows, Grain.DAY).fired if int(p.period[1:]) >= WARMUP]


def main() -> dict[str, Any]:
    rng = np.random.default_rng(42)
    data = [make_series(rng) for _ in range(SERIES)]
    rules = {
        "rolling": AlertRule(id="r", metric="m", baseline="rolling", window=28, k=4, watch="both"),
        "seasonal": AlertRule(id="s", metric="m", baseline="seasonal", window=28, k=4, watch="both"),
        "smoothing": AlertRule(id="h", metric="m", baseline="smoothing", level=0.999, watch="both"),
        "weekday": AlertRule(id="w", metric="m", baseline="rolling", window=56, k=4, same_weekday=True, watch="both"),
        "plain": AlertRule(id="p", metric="m", baseline="rolling", window=28, k=4, weekly="off", watch="both"),
    }
    results = [run(rule, data[:SMOOTHING_SERIES] if m == "smoothing" else data, m) for m, rule in rules.items()]
    alerts_static.check_fast_path(data, WARMUP, static_fired)
    alerts_curves.check_fast_path(rules, METRIC, data, WARMUP, decided)
    started = time.perf_counter()
    swept = alerts_static.sweep(data, WARMUP)
    sweep_seconds = time.perf_counter() - started
    started = time.perf_counter()
    swept_methods = curves(data, rules)
    curve_seconds = time.perf_counter() - started
    alerts_curves.check_defaults(swept_methods, rules, results)
    print(f"\nalert quality: {SERIES} synthetic daily series x 2 years, 6 injected anomalies each")
    print(f"(smoothing on the first {SMOOTHING_SERIES}: four Holt-Winters fits per series; rolling: the default, "
          "weekly: auto; weekday: rolling with same_weekday: true and window: 56; plain: rolling with weekly: off; "
          "every rule at k=4 or level=0.999)")  # fmt: skip
    keys = list(results[0])
    print("  ".join(k.ljust(22) for k in keys))
    for r in results:
        print("  ".join((f"{v:.3f}" if isinstance(v, float) else str(v)).ljust(22) for v in r.values()))
    points = {m: alerts_curves.as_points(c) for m, c in swept_methods.items()}
    comparison = alerts_static.compare(swept, results, points)
    alerts_static.report(comparison)
    equal = alerts_curves.compare_curves(swept, swept_methods, {r["method"]: r["recall"] for r in results})
    alerts_curves.report(equal)
    alerts_curves.verdicts(equal, RECOMMENDED)
    per_metric = results[2]["seconds"] / max(SMOOTHING_SERIES, 1)
    print(f"time to evaluate {SERIES} metrics x 2 years daily: rolling {results[0]['seconds']:.1f} s, "
          f"seasonal {results[1]['seconds']:.1f} s, rolling same_weekday {results[3]['seconds']:.1f} s, "
          f"rolling weekly: off {results[4]['seconds']:.1f} s (goal < 30 s); "
          f"smoothing {per_metric:.2f} s per metric; "
          f"{len(alerts_static.GRID) ** 2} static bands {sweep_seconds:.1f} s; "
          f"{len(alerts_curves.KS)} settings per rule {curve_seconds:.1f} s")  # fmt: skip
    return {
        "methods": results,
        "against_static": comparison,
        "at_equal_recall": equal,
        "static_sweep_seconds": sweep_seconds,
        "curve_seconds": curve_seconds,
    }


if __name__ == "__main__":
    main()
