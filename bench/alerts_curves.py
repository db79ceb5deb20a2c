"""Each dynamic rule over its whole sensitivity range, and the static band at equal recall.

A dynamic rule's band is `expected ± k·half`: k robust sigmas for `rolling` and `seasonal`, and
z(level)·sigma for `smoothing`, with `expected` and `sigma` independent of k. So the bands are
computed once per series with the real baseline code (`bands_for` at k = 1, or at the default
level), and every sensitivity is that band scaled: one fit, a whole recall/false-alert curve.
Alerts are scored by `alerts_static.score_starts`, the same scoring as the static sweep;
`check_fast_path` compares the scaled bands' alerts with the real rule (`decide`) at several k.

Equal recall is matched the same way for both sides: at a target recall, each side's setting
with the fewest false alerts among those catching at least that recall. The target is the
highest recall any static band reaches, so the comparison exists for every method that reaches
it; the method's own default setting is compared too, where a static band reaches its recall.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

import alerts_static
import numpy as np

from headway.analysis.alerts.evaluate import bands_for
from headway.spec.alerts import AlertRule
from headway.spec.models import Grain, Metric

KS = np.concatenate([np.round(np.arange(1.0, 12.0, 0.1), 1), np.arange(12.0, 41.0)])  # rolling, seasonal: k
LEVEL = 0.99  # smoothing is fitted once at this level, then scaled to every level below
LEVELS = 1 - np.array([m * 10.0**-e for e in range(1, 13) for m in (2, 1, 0.5)])  # smoothing: 0.8 ... 1 - 5e-13
GOAL = 1 / 3  # at equal recall, at most a third of the static band's false alerts


@dataclass(frozen=True)
class Curve:
    """A method at each sensitivity, on the first `series` series."""

    method: str
    settings: list[str]
    scales: np.ndarray  # band half-width as a multiple of the unit band
    recall: np.ndarray
    false: np.ndarray  # false alerts per metric-year
    precision: np.ndarray
    series: int


def unit_band(rule: AlertRule, metric: Metric, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(expected, half-width) of the rule's band at k = 1 (smoothing: at LEVEL), from the real baseline."""
    one = rule.model_copy(update={"k": 1.0, "level": LEVEL})
    bands = bands_for(one, metric, x, Grain.DAY)
    return bands.expected, (bands.high - bands.low) / 2


def settings_for(baseline: str) -> tuple[np.ndarray, list[str]]:
    """The scales to sweep and how a user would write each: `k: 2.5`, or `level: 0.9999`."""
    if baseline != "smoothing":
        return KS.astype(float), [f"k={k:g}" for k in KS]
    normal = statistics.NormalDist()
    z0 = normal.inv_cdf(0.5 + LEVEL / 2)
    scales = np.array([normal.inv_cdf(0.5 + lv / 2) / z0 for lv in LEVELS])
    return scales, [f"level={lv:.13g}" for lv in LEVELS]


def scaled_starts(x: np.ndarray, expected: np.ndarray, half: np.ndarray, scales: np.ndarray, warmup: int) -> Any:
    """(scale, day) where alerts start and where the value is outside the band scaled by each scale."""
    with np.errstate(invalid="ignore"):  # NaN band (warming up): no breach, as `decide` skips the point
        gap = np.abs(x - expected)[None, :]
        out = gap > scales[:, None] * half[None, :]
    return alerts_static.starts_of(out, warmup), out


def curve(method: str, rule: AlertRule, metric: Metric, data: list[tuple[np.ndarray, list[Any]]], warmup: int) -> Curve:
    scales, settings = settings_for(rule.baseline.value)
    caught, true, false = (np.zeros(len(scales), dtype=np.int64) for _ in range(3))
    anomalies = 0
    for x, found in data:
        expected, half = unit_band(rule, metric, x)
        starts, out = scaled_starts(x, expected, half, scales, warmup)
        c, t, f, _ = alerts_static.score_starts(starts, out, found)
        caught, true, false, anomalies = caught + c, true + t, false + f, anomalies + len(found)
    years = len(data) * (len(data[0][0]) - warmup) / 365
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(true + false > 0, true / np.maximum(true + false, 1), 0.0)
    return Curve(method, settings, scales, caught / anomalies, false / years, precision, len(data))


def fewest_false(recall: np.ndarray, false: np.ndarray, target: float) -> int | None:
    """Index of the setting with the fewest false alerts among those catching at least `target` (None: none
    does). Ties go to the higher recall, then the first."""
    ok = recall >= target - 1e-12
    if not ok.any():
        return None
    lowest = np.where(ok, false, np.inf).min()
    tied = ok & (false == lowest)
    return int(np.argmax(np.where(tied, recall, -1.0)))


def ratio(method_false: float, static_false: float) -> float | None:
    """method / static false alerts; None when the static band raises none (no ratio exists)."""
    return method_false / static_false if static_false > 0 else None


def at_equal_recall(s: alerts_static.Sweep, c: Curve, target: float) -> dict[str, Any]:
    """Both sides at `target` recall on the same series: the static band and the method's setting with the
    fewest false alerts among those reaching it, and the ratio of their false alerts."""
    t = alerts_static.totals(s, c.series)
    band = alerts_static.at_recall(t, target)
    i = fewest_false(c.recall, c.false, target)
    out: dict[str, Any] = {"target": target, "static": band if band["reached"] else None, "method": None}
    if i is not None:
        out["method"] = {
            "setting": c.settings[i],
            "recall": float(c.recall[i]),
            "false_per_metric_year": float(c.false[i]),
            "precision": float(c.precision[i]),
        }
    both = out["static"] is not None and out["method"] is not None
    r = ratio(out["method"]["false_per_metric_year"], band["false_per_metric_year"]) if both else None
    out["ratio"] = r
    out["meets_goal"] = (r is not None and r <= GOAL) or (
        both and band["false_per_metric_year"] == 0 and out["method"]["false_per_metric_year"] == 0
    )
    return out


def compare_curves(
    s: alerts_static.Sweep, curves: dict[str, Curve], defaults: dict[str, float]
) -> list[dict[str, Any]]:
    """Per method: at the highest recall a static band reaches on the method's series (the goal's check),
    at the method's default setting's recall, and at recall 0.1, 0.2, ... up to that ceiling."""
    rows = []
    for method, c in curves.items():
        ceiling = float(alerts_static.totals(s, c.series)["recall"].max())
        levels = [float(lv) for lv in np.arange(0.1, ceiling - 0.005, 0.1)] + [ceiling]
        rows.append(
            {
                "method": method,
                "series": c.series,
                "static_ceiling": ceiling,
                "at_ceiling": at_equal_recall(s, c, ceiling),
                "at_default": at_equal_recall(s, c, defaults[method]),
                "along": [at_equal_recall(s, c, lv) for lv in levels],
            }
        )
    return rows


def as_points(c: Curve) -> list[dict[str, Any]]:
    """The curve as the rows `alerts_static.method_at_false` reads."""
    return [
        {"series": c.series, "recall": float(r), "false_per_metric_year": float(f), "setting": st}
        for r, f, st in zip(c.recall, c.false, c.settings, strict=True)
    ]


def report(rows: list[dict[str, Any]]) -> None:
    print("\nat equal recall, curve against curve (each side's setting with the fewest false alerts at that recall):")
    print(f"  {'method':<10} {'series':>6} {'recall':>7} | {'static false/yr':>15} | {'method false/yr':>15} "
          f"{'setting':<26} | {'ratio':>6} | goal <= 0.33x")  # fmt: skip
    for r in rows:
        for name, found in (("ceiling", r["at_ceiling"]), ("default", r["at_default"])):
            print("  " + _line(r["method"], r["series"], found, name))
    for r in rows:
        ratios = [f"{a['target']:.2f}: {_ratio(a)}" for a in r["along"]]
        print(f"  {r['method']} along the common range (recall: method/static false alerts): " + ", ".join(ratios))


def _ratio(found: dict[str, Any]) -> str:
    if found["static"] is None or found["method"] is None:
        return "-"
    if found["ratio"] is None:
        return "0/0" if found["method"]["false_per_metric_year"] == 0 else "static 0"
    return f"{found['ratio']:.3f}x"


def _line(method: str, series: int, found: dict[str, Any], name: str) -> str:
    head = f"{method:<10} {series:>6} {found['target']:>7.3f} | "
    where = "  (static ceiling)" if name == "ceiling" else "  (method's default)"
    if found["static"] is None:
        return head + f"{'no band reaches':>15} | {'':>15} {'':<26} | {'-':>6} | -{where}"
    static = f"{found['static']['false_per_metric_year']:>15.2f} | "
    if found["method"] is None:
        return head + static + f"{'not reached':>15} {'':<26} | {'-':>6} | no{where}"
    m = found["method"]
    verdict = "met" if found["meets_goal"] else "missed"
    setting = f"{m['setting']} (r {m['recall']:.3f})"
    mine = f"{m['false_per_metric_year']:>15.2f} {setting:<26} | "
    return head + static + mine + f"{_ratio(found):>6} | {verdict}{where}"


def check_fast_path(
    rules: dict[str, AlertRule], metric: Metric, data: list[tuple[np.ndarray, list[Any]]], warmup: int, fired: Any
) -> None:
    """The scaled bands must fire where `decide` fires at that k (or level). `fired(rule, x)` runs the real
    rule; smoothing is checked on one series (a fit costs ~0.4 s), the others on three."""
    for method, rule in rules.items():
        scales, settings = settings_for(rule.baseline.value)
        picks = [np.argmin(np.abs(scales - s)) for s in (1.0, 2.0, 5.0)]
        for x, _ in data[: 1 if method == "smoothing" else 3]:
            expected, half = unit_band(rule, metric, x)
            starts, _ = scaled_starts(x, expected, half, scales, warmup)
            for i in picks:
                key, value = settings[i].split("=")
                real = rule.model_copy(update={key: float(value)})
                got = np.flatnonzero(starts[i]).tolist()
                assert fired(real, x) == got, f"{method} curve disagrees with decide() at {settings[i]}"


def check_defaults(curves: dict[str, Curve], rules: dict[str, AlertRule], results: list[dict[str, Any]]) -> None:
    """Each curve, at the rule's own setting, must score what the real rule scored on the same series."""
    for (method, rule), result in zip(rules.items(), results, strict=True):
        c = curves[method]
        setting = f"level={rule.level:.13g}" if method == "smoothing" else f"k={rule.k:g}"
        i = c.settings.index(setting)
        got = (float(c.recall[i]), float(c.false[i]))
        want = (result["recall"], result["false_per_metric_year"])
        assert np.allclose(got, want, rtol=0, atol=1e-9), f"{method} curve at {setting}: {got}, decide(): {want}"


def verdicts(rows: list[dict[str, Any]], recommended: str) -> None:
    """One line per method: the goal, met or missed, at the highest recall a static band reaches."""
    for r in rows:
        found = r["at_ceiling"]
        if found["method"] is None:
            ceiling = found["target"]
            print(f"  goal for {r['method']}: not comparable (it never reaches the static ceiling {ceiling:.3f})")
            continue
        verdict = "met" if found["meets_goal"] else "missed"
        m = found["method"]
        print(
            f"  goal for {r['method']}: {verdict} ({_ratio(found)} the static band's false alerts at recall "
            f"{found['target']:.3f}, with {m['setting']})"
        )
    print(f"  README recommends: {recommended}")
