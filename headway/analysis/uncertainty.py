"""`intervals_for`: add ci_low, ci_high and status to a metric's rows, from the statistics columns.

The engine adds sufficient statistics to `Result.rows` when a query asks for them
(`Query(stats=True)`, see `headway/engine/stats.py`). This module picks the interval that fits the metric's
aggregate and applies its `min_sample`. Counts and sums are totals of the whole population
unless `sampled=True`; a fully observed total has no interval, and says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from headway.analysis import changes
from headway.analysis import intervals as ci
from headway.analysis.reasons import Reason
from headway.analysis.statistics import ProportionStatistic, QuantileStatistic, RatioStatistic, SampleMeanStatistic
from headway.engine.results import Result
from headway.spec.models import Agg, Metric

COUNT_LIKE = {Agg.COUNT, Agg.COUNT_DISTINCT, Agg.SUM}


def _num(row: dict[str, Any], *names: str) -> list[float] | None:
    values = [row.get(name) for name in names]
    return None if any(v is None for v in values) else [float(v) for v in values]  # type: ignore[arg-type]


PAIR = ("num_sum", "num_sum_sq", "den_sum", "den_sum_sq", "num_den_sum")


def _ratio_statistic(row: dict[str, Any], prefix: str = "") -> ProportionStatistic | RatioStatistic | None:
    """A ratio's statistic from the engine's pair columns (`units`, `num_sum`, ..., `nested`).

    `nested` means every numerator row is a denominator row (a share): Wilson on
    successes Σx out of Σy trials. Otherwise the delta method over `units`.
    """

    def get(*names: str) -> list[float] | None:
        return _num(row, *(prefix + name for name in names))

    pair = get(*PAIR)
    units = get("units") or get("n")
    if pair is not None and row.get(prefix + "nested"):
        return ProportionStatistic(int(pair[2]), pair[0])
    if pair is not None and units is not None:
        return RatioStatistic(int(units[0]), *pair)
    p = get("n", "sum")  # a proportion given as trials and successes
    return ProportionStatistic(int(p[0]), p[1]) if p is not None else None


def interval_for_row(
    row: dict[str, Any], metric: Metric, level: float = ci.LEVEL, sampled: bool = False
) -> ci.Interval:
    """The interval that fits this metric's value in one row (before min_sample)."""
    if row.get("value") is None:
        return ci.Interval.none("none", Reason.NO_DATA)
    if metric.ratio is not None:
        found = _ratio_statistic(row)
        if isinstance(found, ProportionStatistic):
            return ci.wilson(found, level)
        if isinstance(found, RatioStatistic):
            return ci.delta_ratio(found, level)
        return ci.Interval.none("delta", Reason.NO_STATISTICS)
    agg = metric.measure.agg if metric.measure else None
    if agg in (Agg.MEDIAN, Agg.PERCENTILE):
        q = 0.5 if agg is Agg.MEDIAN else float(metric.measure.p or 0.5)  # type: ignore[union-attr]
        low, high = row.get("ci_low_value"), row.get("ci_high_value")
        return ci.quantile_interval(QuantileStatistic(int(row.get("n") or 0), q, row["value"], low, high), level)
    if agg is Agg.AVG:
        if (m := _num(row, "n", "sum", "sum_sq")) is None:
            return ci.Interval.none("t", Reason.NO_STATISTICS)
        return ci.t_interval(SampleMeanStatistic(int(m[0]), m[1], m[2]), level)
    if agg in COUNT_LIKE:
        if not sampled:
            return ci.Interval.none("none", Reason.FULLY_OBSERVED)
        if agg is not Agg.SUM:
            return ci.poisson_count(float(row["value"]), level)
        if (m := _num(row, "n", "sum", "sum_sq")) is None:
            return ci.Interval.none("normal", Reason.NO_STATISTICS)
        return ci.sampled_total(SampleMeanStatistic(int(m[0]), m[1], m[2]), level)
    return ci.Interval.none("none", Reason.NOT_ESTIMABLE)  # min, max, formula


def intervals_for(
    rows: Iterable[dict[str, Any]], metric: Metric, *, level: float = ci.LEVEL, sampled: bool = False
) -> list[dict[str, Any]]:
    """Each row with `ci_low`, `ci_high` and `status` (a `Reason` value) added.

    A row below the metric's `min_sample` keeps its value but gets no interval and
    `status: insufficient_sample`, so charts can draw it hollow.
    """
    out = []
    for row in rows:
        found = interval_for_row(row, metric, level, sampled)
        n, floor = row.get("n"), metric.min_sample
        if found.reason is not Reason.NO_DATA and floor is not None and (n is None or n < floor):
            found = ci.Interval.none(found.method, Reason.INSUFFICIENT_SAMPLE)
        out.append(
            {**row, "ci_low": found.low, "ci_high": found.high, "status": found.reason.value, "ci_method": found.method}
        )
    return out


def _statistic(row: dict[str, Any], metric: Metric, prefix: str = "") -> changes.Statistic | float | None:
    """The statistic a change test needs, from `prefix`ed columns (`compare_` for the earlier period)."""

    def get(*names: str) -> list[float] | None:
        return _num(row, *(prefix + name for name in names))

    if metric.ratio is not None:
        return _ratio_statistic(row, prefix)
    agg = metric.measure.agg if metric.measure else None
    if agg is Agg.AVG and (m := get("n", "sum", "sum_sq")) is not None:
        return SampleMeanStatistic(int(m[0]), m[1], m[2])
    if agg in (Agg.COUNT, Agg.COUNT_DISTINCT) and (v := get("value")) is not None:
        return v[0]
    return None


def changes_for(
    rows: Iterable[dict[str, Any]], metric: Metric, *, alpha: float = changes.ALPHA, sampled: bool = False
) -> list[dict[str, Any]]:
    """Each compared row with `change_test`, `p_value` and `significant` added.

    The earlier period's statistics are read from `compare_`-prefixed columns (`compare_n`,
    `compare_sum`, ...). A fully observed total changed exactly as shown, so it gets no test.
    """
    out = []
    for row in rows:
        now, before = _statistic(row, metric), _statistic(row, metric, "compare_")
        if isinstance(now, float) and isinstance(before, float):
            test = (
                changes.two_counts(now, before) if sampled else changes.ChangeTest("none", None, Reason.FULLY_OBSERVED)
            )
        elif now is None or before is None or isinstance(now, float) or isinstance(before, float):
            reason = Reason.NO_DATA if row.get("value") is None else Reason.NO_STATISTICS
            test = changes.ChangeTest("none", None, reason)
        else:
            test = changes.compare(now, before)
        extra = {"change_test": test.test, "p_value": test.p_value, "significant": test.significant(alpha)}
        out.append({**row, **extra, "change_status": test.reason.value})
    return out


def with_uncertainty(result: Result, metric: Metric) -> Result:
    """A result whose rows carry `ci_low`, `ci_high` and `status` (and, when compared, a test of the change)."""
    rows = intervals_for(result.rows, metric)
    if any("compare_period" in row for row in rows):
        rows = changes_for(rows, metric)
    return replace(result, rows=rows)
