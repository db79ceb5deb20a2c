"""The interval of every period of a result at once: one array computation per method, not one per row.

`uncertainty.intervals_for` used to call a closed form per row, and SciPy's quantile functions
cost microseconds per call: at day grain that was half the cost of `--ci`. Here the rows are
sorted into the method that fits each (and the reason when none does), each method's columns go
through its `intervals.*_bounds` once, and the bounds come back in row order. The closed forms
are the ones the single-statistic functions of `intervals.py` use, so the numbers are the same.
Means and ratios are read column by column (`_table`) and their reasons picked with masks: row by
row, a day-grain year of a ratio's intervals took ~4.5 ms, more than the statistics' SQL.
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
_STATUS_NAMES = np.array(STATUSES, dtype=object)
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
    """Each row's interval for this metric's value, as columns.

    A row below the metric's `min_sample` (or without an `n`) keeps its method but gets no
    interval and the status `insufficient_sample`; a row without data keeps `no_data`.
    """
    agg = metric.measure.agg if metric.measure else None
    floor = metric.min_sample
    if metric.ratio is not None:
        columns = _ratios(rows, level)
    elif agg is Agg.AVG:  # means and sampled sums apply min_sample with their masks
        return _moments(rows, "t", 2, floor, lambda c: ci.t_bounds(c[0], c[1], c[2], level))
    elif agg is Agg.SUM and sampled:
        return _moments(rows, "normal", 1, floor, lambda c: ci.normal_total_bounds(c[1], c[2], level))
    else:
        found = _found(rows, metric, level, sampled)
        lows, highs, reasons, methods = zip(*found, strict=True) if found else ((), (), (), ())
        columns = list(lows), list(highs), [reason.value for reason in reasons], list(methods)
    return _floored(rows, columns, floor) if floor is not None else columns


NO_DATA, INSUFFICIENT = Reason.NO_DATA.value, Reason.INSUFFICIENT_SAMPLE.value


def _floored(rows: Sequence[dict[str, Any]], columns: Columns, floor: int) -> Columns:
    """`min_sample` applied to rows whose statistics differ in kind (ratios, quantiles, counts)."""
    lows, highs, statuses, _ = columns
    for i, row in enumerate(rows):
        if statuses[i] != NO_DATA and ((n := row.get("n")) is None or n < floor):
            lows[i], highs[i], statuses[i] = None, None, INSUFFICIENT
    return columns


def _found(rows: Sequence[dict[str, Any]], metric: Metric, level: float, sampled: bool) -> list[Found]:
    """Row by row, for the methods whose statistics differ in kind from row to row (quantiles, counts)."""
    out: list[Found] = [_none("none", Reason.NO_DATA)] * len(rows)
    todo = [i for i, row in enumerate(rows) if row.get("value") is not None]
    agg = metric.measure.agg if metric.measure else None
    if agg in (Agg.MEDIAN, Agg.PERCENTILE):
        q = 0.5 if agg is Agg.MEDIAN else float(metric.measure.p or 0.5)  # type: ignore[union-attr]
        sizes = [int(rows[i].get("n") or 0) for i in todo]
        for i, n, found in zip(todo, sizes, ci.order_statistic_ranks_many(sizes, q, level), strict=True):
            out[i] = _quantile(rows[i], n, found)
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
    engine never returns NaN: see rows.py). Read a column at a time with a C-level getter; a column
    the first row lacks (a statistic this result does not carry, or rows written by hand) with `get`."""
    columns = [_column(rows, name) if rows and name in rows[0] else [row.get(name) for row in rows] for name in names]
    return np.array(columns, dtype=float).reshape(len(names), len(rows)).T  # None becomes NaN


def _column(rows: Sequence[dict[str, Any]], name: str) -> list[Any]:
    try:
        return list(map(itemgetter(name), rows))
    except KeyError:  # rows written by hand may leave a statistic out
        return [row.get(name) for row in rows]


def _listed(bound: np.ndarray, ok: np.ndarray) -> list[float | None]:
    """The bounds where `ok`, None elsewhere, as Python floats (an object array converts them once)."""
    out = np.full(len(bound), None, dtype=object)
    out[ok] = bound[ok]
    return out.tolist()  # type: ignore[no-any-return]


def _moments(
    rows: Sequence[dict[str, Any]],
    method: str,
    least: int,
    floor: int | None,
    compute: Callable[[list[np.ndarray]], ci.Bounds],
) -> Columns:
    """A mean (t) or a sampled sum (normal) from n, Σx and Σx²; fewer than `least` rows: no interval.

    Column by column rather than row by row: this is the common case at day grain, where this
    function is most of what `--ci` adds to an average's query in Python.
    """
    value, n, total, total_sq = _table(rows, ("value", "n", "sum", "sum_sq")).T
    count = np.trunc(n)
    valued = ~np.isnan(value)
    missing = np.isnan(n) | np.isnan(total) | np.isnan(total_sq)
    short = np.isnan(n) | (n < floor) if floor is not None else np.zeros(len(rows), dtype=bool)  # NaN < x is False
    ok = valued & ~missing & (count >= least) & ~short
    low = high = np.empty(0)
    if ok.any():
        low, high = np.full(len(rows), np.nan), np.full(len(rows), np.nan)
        low[ok], high[ok] = compute([count[ok], total[ok], total_sq[ok]])
    if ok.all():  # the common case: every period has its interval
        return low.tolist(), high.tolist(), [STATUSES[0]] * len(rows), [method] * len(rows)
    # indexes of STATUSES, the first that applies winning: no data, no statistics, no rows, too few rows;
    # then min_sample makes any of them but "no data" insufficient. Assigned last to first.
    codes = np.zeros(len(rows), dtype=np.int8)
    codes[count < least] = 3
    codes[count <= 0] = 1
    codes[missing] = 2
    codes[~valued] = 1
    codes[short & (codes != 1)] = 3
    statuses = _STATUS_NAMES[codes].tolist()
    methods = np.where(valued, method, "none").astype(object).tolist()
    if not ok.any():
        return [None] * len(rows), [None] * len(rows), statuses, methods
    return _listed(low, ok), _listed(high, ok), statuses, methods


RATIO_REASONS = (Reason.OK, Reason.NO_DATA, Reason.NO_STATISTICS, Reason.INSUFFICIENT_SAMPLE, Reason.ZERO_DENOMINATOR)


def _ratios(rows: Sequence[dict[str, Any]], level: float) -> Columns:
    """Wilson for a share (numerator rows within the denominator's, or trials and successes), else delta.

    The same choice as `ratio_statistic` makes for one row, made with masks over the columns.
    """
    table = _table(rows, ("value", "units", "n", "sum", *PAIR, "nested"))
    value, units, n, total, nested = table[:, 0], table[:, 1], table[:, 2], table[:, 3], table[:, 9]
    pair = table[:, 4:9]  # Σx, Σx², Σy, Σy², Σxy
    valued = ~np.isnan(value)
    size = np.where(np.isnan(units), n, units)  # the units, else the rows
    has_pair = ~np.isnan(pair).any(axis=1)
    share = valued & has_pair & ~np.isnan(nested) & (nested != 0)
    crossed = valued & has_pair & ~share & ~np.isnan(size)
    simple = valued & ~share & ~crossed & ~np.isnan(n) & ~np.isnan(total)
    trials = np.trunc(np.where(share, pair[:, 2], n))
    units_n = np.trunc(size)
    wilson = (share | simple) & (trials > 0)
    delta = crossed & (units_n >= 2) & (pair[:, 2] != 0)
    low, high = np.full(len(rows), np.nan), np.full(len(rows), np.nan)
    if wilson.any():
        successes = np.where(share, pair[:, 0], total)
        low[wilson], high[wilson] = ci.wilson_bounds(trials[wilson], successes[wilson], level)
    if delta.any():
        low[delta], high[delta] = ci.delta_bounds([units_n[delta], *pair[delta].T], level)
    codes = np.select(
        [
            ~valued,
            share | simple,  # Wilson: no trials is no data
            ~crossed,  # neither kind of statistic
            units_n <= 0,
            units_n < 2,
            pair[:, 2] == 0,
        ],
        [1, np.where(trials > 0, 0, 1), 2, 1, 3, 4],
        0,
    )
    kinds = np.select([~valued, share | simple], [0, 1], 2).tolist()
    statuses = [RATIO_REASONS[c].value for c in codes.tolist()]
    methods = [("none", "wilson", "delta")[k] for k in kinds]
    ok = wilson | delta
    return _listed(low, ok), _listed(high, ok), statuses, methods


def _quantile(row: dict[str, Any], n: int, found: tuple[int, int] | None) -> Found:
    """The order statistics the engine picked (`ci_low_value`, `ci_high_value`), or why there are none."""
    if n <= 0:
        return _none("order_statistic", Reason.NO_DATA)
    if found is None:
        return _none("order_statistic", Reason.INSUFFICIENT_SAMPLE)
    low, high = row.get("ci_low_value"), row.get("ci_high_value")
    if low is None or high is None:
        return _none("order_statistic", Reason.NO_STATISTICS)
    return (low, high, Reason.OK, "order_statistic")
