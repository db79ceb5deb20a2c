"""The interval of every period of a result at once: one array computation per method, not one per row.

`uncertainty.intervals_for` used to call a closed form per row, and SciPy's quantile functions
cost microseconds per call: at day grain that was half the cost of `--ci`. Here the rows are
sorted into the method that fits each (and the reason when none does), each method's columns go
through its `intervals.*_bounds` once, and the bounds come back in row order. The closed forms
are the ones the single-statistic functions of `intervals.py` use, so the numbers are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

import numpy as np

from headway.analysis import intervals as ci
from headway.analysis.reasons import Reason
from headway.analysis.statistics import ProportionStatistic, RatioStatistic
from headway.spec.models import Agg, Metric

COUNT_LIKE = {Agg.COUNT, Agg.COUNT_DISTINCT, Agg.SUM}
PAIR = ("num_sum", "num_sum_sq", "den_sum", "den_sum_sq", "num_den_sum")

Found = tuple[float | None, float | None, Reason, str]  # low, high, why (OK when both bounds exist), method
STATUSES = tuple(r.value for r in (Reason.OK, Reason.NO_DATA, Reason.NO_STATISTICS, Reason.INSUFFICIENT_SAMPLE))
Columns = tuple[list[Any], list[Any], list[str], list[str]]  # per row: low, high, status (a Reason's value), method


class _Batch:
    """Rows that share a method: their positions and their statistics, computed in one call."""

    def __init__(self, method: str, width: int):
        self.method = method
        self.at: list[int] = []
        self.columns: list[list[float]] = [[] for _ in range(width)]

    def add(self, i: int, values: Sequence[float]) -> None:
        self.at.append(i)
        for column, v in zip(self.columns, values, strict=True):
            column.append(v)

    def fill(self, out: list[Found], bounds: Callable[[list[np.ndarray]], ci.Bounds]) -> None:
        if not self.at:
            return
        low, high = bounds([np.asarray(c, dtype=float) for c in self.columns])
        for i, lo, hi in zip(self.at, low.tolist(), high.tolist(), strict=True):
            out[i] = (lo, hi, Reason.OK, self.method)


def num(row: dict[str, Any], *names: str) -> list[float] | None:
    """These columns of a row as floats, or None when any of them is missing."""
    values = [row.get(name) for name in names]
    return None if any(v is None for v in values) else [float(v) for v in values]  # type: ignore[arg-type]


def ratio_statistic(row: dict[str, Any], prefix: str = "") -> ProportionStatistic | RatioStatistic | None:
    """A ratio's statistic from the engine's pair columns (`units`, `num_sum`, ..., `nested`).

    `nested` means every numerator row is a denominator row (a share): Wilson on
    successes Σx out of Σy trials. Otherwise the delta method over `units`.
    """

    def get(*names: str) -> list[float] | None:
        return num(row, *(prefix + name for name in names))

    pair = get(*PAIR)
    units = get("units") or get("n")
    if pair is not None and row.get(prefix + "nested"):
        return ProportionStatistic(int(pair[2]), pair[0])
    if pair is not None and units is not None:
        return RatioStatistic(int(units[0]), *pair)
    p = get("n", "sum")  # a proportion given as trials and successes
    return ProportionStatistic(int(p[0]), p[1]) if p is not None else None


def _none(method: str, reason: Reason) -> Found:
    return (None, None, reason, method)


def bounds(rows: Sequence[dict[str, Any]], metric: Metric, level: float, sampled: bool) -> Columns:
    """Each row's interval for this metric's value (before `min_sample`), as columns."""
    agg = metric.measure.agg if metric.measure else None
    if metric.ratio is None and agg is Agg.AVG:
        return _moments(rows, "t", 2, lambda c: ci.t_bounds(c[0], c[1], c[2], level))
    if metric.ratio is None and agg is Agg.SUM and sampled:
        return _moments(rows, "normal", 1, lambda c: ci.normal_total_bounds(c[1], c[2], level))
    found = _found(rows, metric, level, sampled)
    lows, highs, reasons, methods = zip(*found, strict=True) if found else ((), (), (), ())
    return list(lows), list(highs), [reason.value for reason in reasons], list(methods)


def _found(rows: Sequence[dict[str, Any]], metric: Metric, level: float, sampled: bool) -> list[Found]:
    """Row by row, for the methods whose statistics differ in kind from row to row (ratios, quantiles)."""
    out: list[Found] = [_none("none", Reason.NO_DATA)] * len(rows)
    todo = [i for i, row in enumerate(rows) if row.get("value") is not None]
    if metric.ratio is not None:
        return _ratios(rows, todo, out, level)
    agg = metric.measure.agg if metric.measure else None
    if agg in (Agg.MEDIAN, Agg.PERCENTILE):
        q = 0.5 if agg is Agg.MEDIAN else float(metric.measure.p or 0.5)  # type: ignore[union-attr]
        for i in todo:
            out[i] = _quantile(rows[i], q, level)
        return out
    if agg in COUNT_LIKE and not sampled:
        for i in todo:
            out[i] = _none("none", Reason.FULLY_OBSERVED)
        return out
    if agg in (Agg.COUNT, Agg.COUNT_DISTINCT):
        batch = _Batch("poisson", 1)
        for i in todo:
            batch.add(i, [float(rows[i]["value"])])
        batch.fill(out, lambda c: ci.poisson_bounds(c[0], level))
        return out
    for i in todo:
        out[i] = _none("none", Reason.NOT_ESTIMABLE)  # min, max, formula
    return out


def _table(rows: Sequence[dict[str, Any]], names: tuple[str, ...]) -> np.ndarray:
    """These columns as floats, one row per result row, NaN where a value is missing or None (the
    engine never returns NaN: see rows.py). Engine rows have every column: read with one C-level getter."""
    try:
        picked = list(map(itemgetter(*names), rows))
    except KeyError:  # rows written by hand may leave a statistic out
        picked = [tuple(row.get(name) for name in names) for row in rows]
    return np.array(picked, dtype=float).reshape(len(rows), len(names))  # None becomes NaN


def _moments(
    rows: Sequence[dict[str, Any]], method: str, least: int, compute: Callable[[list[np.ndarray]], ci.Bounds]
) -> Columns:
    """A mean (t) or a sampled sum (normal) from n, Σx and Σx²; fewer than `least` rows: no interval.

    Column by column rather than row by row: this is the common case at day grain.
    """
    value, n, total, total_sq = _table(rows, ("value", "n", "sum", "sum_sq")).T
    count = np.trunc(n)
    valued = ~np.isnan(value)
    missing = np.isnan(n) | np.isnan(total) | np.isnan(total_sq)
    ok = valued & ~missing & (count >= least)
    low, high = np.full(len(rows), None, dtype=object), np.full(len(rows), None, dtype=object)
    if ok.any():
        found = compute([count[ok], total[ok], total_sq[ok]])
        low[ok], high[ok] = found[0], found[1]
    codes = np.select([~valued, missing, count <= 0, count < least], [1, 2, 1, 3], 0)  # indexes of STATUSES
    statuses = np.array(STATUSES, dtype=object)[codes].tolist()
    methods = np.where(valued, method, "none").tolist()
    return low.tolist(), high.tolist(), statuses, methods


def _ratios(rows: Sequence[dict[str, Any]], todo: list[int], out: list[Found], level: float) -> list[Found]:
    """Wilson for a share (numerator rows within the denominator's, or trials and successes), else delta."""
    wilson, delta = _Batch("wilson", 2), _Batch("delta", 6)
    for i in todo:
        stat = ratio_statistic(rows[i])
        if isinstance(stat, RatioStatistic):
            if stat.n < 2:
                out[i] = _none("delta", Reason.NO_DATA if stat.n <= 0 else Reason.INSUFFICIENT_SAMPLE)
            elif stat.den_sum == 0:
                out[i] = _none("delta", Reason.ZERO_DENOMINATOR)
            else:
                delta.add(i, [stat.n, stat.num_sum, stat.num_sum_sq, stat.den_sum, stat.den_sum_sq, stat.num_den_sum])
        elif stat is None:
            out[i] = _none("delta", Reason.NO_STATISTICS)
        elif stat.n <= 0:
            out[i] = _none("wilson", Reason.NO_DATA)
        else:
            wilson.add(i, [stat.n, stat.sum])
    wilson.fill(out, lambda c: ci.wilson_bounds(c[0], c[1], level))
    delta.fill(out, lambda c: ci.delta_bounds(c, level))
    return out


def _quantile(row: dict[str, Any], q: float, level: float) -> Found:
    """The order statistics the engine picked (`ci_low_value`, `ci_high_value`), or why there are none."""
    n = int(row.get("n") or 0)
    if n <= 0:
        return _none("order_statistic", Reason.NO_DATA)
    if ci.order_statistic_ranks(n, q, level) is None:
        return _none("order_statistic", Reason.INSUFFICIENT_SAMPLE)
    low, high = row.get("ci_low_value"), row.get("ci_high_value")
    if low is None or high is None:
        return _none("order_statistic", Reason.NO_STATISTICS)
    return (low, high, Reason.OK, "order_statistic")
