"""The static band at its best: every width and centre on a grid, scored like the dynamic rules.

A static rule is a fixed [low, high]. Here each series gets low = centre - a·spread and
high = centre + b·spread (centre and spread: median and 1.4826·MAD of its first 90 days), with a
and b moving independently on GRID (plus "no bound on that side"), so the sweep covers the
band's width and its centre. Every band is scored exactly as `decide` would fire it (1-of-1
trigger, recovery after one calm point; `check_fast_path` compares the two on real bands).

Why a static band's recall has a ceiling: an alert is the start of a run of breaching points. A
band narrow enough to see a 6-sigma spike on a series that moves 20-60% with the week, the
year and the trend is breached for weeks at a time, and an anomaly that arrives during such a
run starts no alert: it is swallowed. A band wide enough to avoid the runs no longer reaches the
anomaly. `swallowed` counts the first kind among the anomalies a band misses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

GRID = np.concatenate([np.geomspace(0.25, 40, 28), [np.inf]])  # multiples of the spread; inf: no bound


@dataclass(frozen=True)
class Sweep:
    """Per series and band (a index, b index): anomalies caught, true and false alerts, missed but swallowed."""

    caught: np.ndarray
    true: np.ndarray
    false: np.ndarray
    swallowed: np.ndarray
    anomalies: np.ndarray  # per series
    years: float  # metric-years per series (after the warm-up)


def bands(x: np.ndarray, warmup: int, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Low and high bounds for multiples a (below) and b (above) of the first days' spread; inf: no bound."""
    history = x[:warmup]
    centre = float(np.median(history))
    spread = 1.4826 * float(np.median(np.abs(history - centre)))
    with np.errstate(invalid="ignore"):  # 0 · inf when a series has no spread
        lows, highs = centre - a * spread, centre + b * spread
    return np.where(np.isinf(a), -np.inf, lows), np.where(np.isinf(b), np.inf, highs)


def breaches(x: np.ndarray, lows: np.ndarray, highs: np.ndarray) -> np.ndarray:
    """(low, high, day): the day's value is outside that band."""
    return (x[None, None, :] < lows[:, None, None]) | (x[None, None, :] > highs[None, :, None])


def starts_of(out: np.ndarray, warmup: int) -> np.ndarray:
    """Where runs of breaching points begin (last axis is time), from the warm-up on."""
    before = np.zeros_like(out)
    before[..., 1:] = out[..., :-1]
    starts = out & ~before
    starts[..., :warmup] = False
    return starts


def sweep(data: list[tuple[np.ndarray, list[Any]]], warmup: int) -> Sweep:
    count = len(data)
    shape = (count, len(GRID), len(GRID))
    caught, true, false, swallowed = (np.zeros(shape, dtype=np.int32) for _ in range(4))
    anomalies = np.zeros(count, dtype=np.int32)
    days = len(data[0][0])
    for i, (x, found) in enumerate(data):
        out = breaches(x, *bands(x, warmup, GRID, GRID))
        caught[i], true[i], false[i], swallowed[i] = score_starts(starts_of(out, warmup), out, found)
        anomalies[i] = len(found)
    return Sweep(caught, true, false, swallowed, anomalies, (days - warmup) / 365)


def score_starts(starts: np.ndarray, out: np.ndarray, found: list[Any]) -> tuple[np.ndarray, ...]:
    """The benchmark's scoring, for every band at once (last axis is time): anomalies caught (an alert starts
    on their first day or the two after), alerts that were true (start inside an anomaly's span or the two
    days after), false alerts, and missed anomalies that arrived inside a run already breaching."""
    spans = np.zeros(starts.shape[-1], dtype=bool)
    caught = np.zeros(starts.shape[:-1], dtype=np.int64)
    swallowed = np.zeros_like(caught)
    for anomaly in found:
        hit = starts[..., anomaly.start : anomaly.start + 3].any(axis=-1)
        caught += hit
        swallowed += ~hit & out[..., anomaly.start - 1]  # breached the day before: inside a run
        spans[anomaly.start : anomaly.start + anomaly.length + 2] = True
    true = (starts & spans).sum(axis=-1)
    return caught, true, starts.sum(axis=-1) - true, swallowed


def totals(s: Sweep, series: int) -> dict[str, np.ndarray]:
    """Recall, false alerts per metric-year and precision of every band over the first `series` series."""
    caught, true, false = (v[:series].sum(axis=0) for v in (s.caught, s.true, s.false))
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(true + false > 0, true / (true + false), 0.0)
    missed = s.anomalies[:series].sum() - caught
    return {
        "recall": caught / s.anomalies[:series].sum(),
        "false": false / (series * s.years),
        "precision": precision,
        "swallowed": np.where(missed > 0, s.swallowed[:series].sum(axis=0) / np.maximum(missed, 1), 0.0),
    }


def _describe(t: dict[str, np.ndarray], at: tuple[int, int]) -> dict[str, Any]:
    a, b = at
    return {
        "band": (int(a), int(b)),
        "low": f"-{GRID[a]:.2f}" if np.isfinite(GRID[a]) else "none",
        "high": f"+{GRID[b]:.2f}" if np.isfinite(GRID[b]) else "none",
        "recall": float(t["recall"][at]),
        "false_per_metric_year": float(t["false"][at]),
        "precision": float(t["precision"][at]),
        "missed_swallowed": float(t["swallowed"][at]),
    }


def at_recall(t: dict[str, np.ndarray], recall: float) -> dict[str, Any]:
    """The band with the fewest false alerts among those catching at least `recall`; else the band with the
    highest recall (fewest false alerts among ties), marked `reached: False`."""
    ok = t["recall"] >= recall - 1e-12
    if ok.any():
        at = np.unravel_index(np.argmin(np.where(ok, t["false"], np.inf)), ok.shape)
        return {"reached": True, **_describe(t, at)}  # type: ignore[arg-type]
    best = t["recall"] == t["recall"].max()
    at = np.unravel_index(np.argmin(np.where(best, t["false"], np.inf)), best.shape)
    return {"reached": False, **_describe(t, at)}  # type: ignore[arg-type]


def at_false(t: dict[str, np.ndarray], false: float) -> dict[str, Any]:
    """The band with the highest recall among those raising at most `false` false alerts per metric-year
    (fewest false alerts among ties)."""
    ok = t["false"] <= false + 1e-12
    top = np.where(ok, t["recall"], -1.0)
    best = top == top.max()
    at = np.unravel_index(np.argmin(np.where(best, t["false"], np.inf)), best.shape)
    return _describe(t, at)  # type: ignore[arg-type]


def method_at_false(s: Sweep, band: tuple[int, int], curve: list[dict[str, Any]]) -> dict[str, Any]:
    """The method's highest recall, over its sensitivity settings (`curve`, all run on the same first series),
    at no more false alerts than this static band raises on those series."""
    t = totals(s, curve[0]["series"])
    limit = float(t["false"][band])
    fits = [c for c in curve if c["false_per_metric_year"] <= limit + 1e-12]
    best = max(fits, key=lambda c: (c["recall"], -c["false_per_metric_year"])) if fits else None
    return {
        "series": curve[0]["series"],
        "static_false_per_metric_year": limit,
        "static_recall": float(t["recall"][band]),
        "method_recall": best["recall"] if best else None,
        "method_false_per_metric_year": best["false_per_metric_year"] if best else None,
        "setting": best["setting"] if best else None,
    }


def compare(
    s: Sweep, methods: list[dict[str, Any]], curves: dict[str, list[dict[str, Any]]] | None = None
) -> list[dict[str, Any]]:
    """Each dynamic method against the static bands, on the same series: the static band at the method's
    recall, the static band's recall at the method's false alerts, and (with `curves`, the method run at
    several sensitivities) the method's recall at the false alerts of the static band picked first."""
    out = []
    for m in methods:
        t = totals(s, m["series"])
        same_recall, same_false = at_recall(t, m["recall"]), at_false(t, m["false_per_metric_year"])
        ratio = m["false_per_metric_year"] / same_recall["false_per_metric_year"] if same_recall["reached"] else None
        curve = (curves or {}).get(m["method"])
        out.append(
            {
                "method": m["method"],
                "series": m["series"],
                "recall": m["recall"],
                "false_per_metric_year": m["false_per_metric_year"],
                "static_at_equal_recall": same_recall,
                "false_ratio_at_equal_recall": ratio,
                "static_at_equal_false": same_false,
                "method_at_static_false": method_at_false(s, same_recall["band"], curve) if curve else None,
            }
        )
    return out


def report(rows: list[dict[str, Any]]) -> None:
    bands = f"{len(GRID)} x {len(GRID)} static bands (low and high each at 0.25-40 spreads from the centre, or none)"
    print(f"\ndynamic rules against the best static band, on the same series; {bands}")
    head = f"  {'method':<10} {'series':>6} {'recall':>7} {'false/yr':>9} | static at equal recall"
    print(f"{head:<101}| static at equal false alerts")
    for r in rows:
        eq, ef = r["static_at_equal_recall"], r["static_at_equal_false"]
        mine = f"  {r['method']:<10} {r['series']:>6} {r['recall']:>7.3f} {r['false_per_metric_year']:>9.2f} | "
        if eq["reached"]:
            left = (
                f"{eq['false_per_metric_year']:.2f} false/yr: {r['false_ratio_at_equal_recall']:.2f}x (goal <= 0.33x)"
            )
        else:
            left = f"unreachable; best {eq['recall']:.3f} at {eq['false_per_metric_year']:.2f} false/yr"
        print(f"{mine}{left:<58}| recall {ef['recall']:.3f} ({ef['false_per_metric_year']:.2f} false/yr)")
    for r in rows:
        found = r["method_at_static_false"]
        if found is None:
            continue
        where = f"  {r['method']} at that static band's false alerts ({found['static_false_per_metric_year']:.2f}/yr"
        where += f" and recall {found['static_recall']:.3f} on the first {found['series']} series): "
        if found["method_recall"] is None:
            print(where + "no setting tried raises so few")
        else:
            setting = f"{found['setting']}, {found['method_false_per_metric_year']:.2f} false/yr"
            print(where + f"recall {found['method_recall']:.3f} ({setting})")
    for r in rows:
        eq = r["static_at_equal_recall"]
        if not eq["reached"]:
            print(
                f"  {r['method']}: no static band reaches recall {r['recall']:.3f}; the best, low {eq['low']} / high "
                f"{eq['high']} spreads, catches {eq['recall']:.3f} with {eq['false_per_metric_year']:.2f} false alerts "
                f"per metric-year; {eq['missed_swallowed']:.0%} of the anomalies it misses arrive inside a run "
                "already breaching the band (no new alert starts)"
            )


def check_fast_path(data: list[tuple[np.ndarray, list[Any]]], warmup: int, fired: Any) -> None:
    """`sweep` must fire where `decide` fires: compare on a few series and bands of every shape
    (narrow, wide, off-centre, one-sided). `fired(x, low, high)` runs the real rule."""
    picks = [(9, 9), (2, 20), (len(GRID) - 1, 12), (15, len(GRID) - 1), (0, 0)]
    for x, _ in data[:3]:
        lows, highs = bands(x, warmup, GRID, GRID)
        starts = starts_of(breaches(x, lows, highs), warmup)
        for a, b in picks:
            low = None if np.isinf(GRID[a]) else float(lows[a])
            high = None if np.isinf(GRID[b]) else float(highs[b])
            got = np.flatnonzero(starts[a, b]).tolist()
            assert fired(x, low, high) == got, f"static sweep disagrees with decide() at band {a},{b}"
