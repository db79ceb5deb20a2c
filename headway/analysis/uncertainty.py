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

from headway.analysis import changes, interval_table
from headway.analysis import intervals as ci
from headway.analysis.interval_table import num as _num
from headway.analysis.interval_table import ratio_statistic as _ratio_statistic
from headway.analysis.reasons import Reason
from headway.analysis.statistics import SampleMeanStatistic
from headway.engine.results import Result
from headway.spec.models import Agg, Metric


def intervals_for(
    rows: Iterable[dict[str, Any]], metric: Metric, *, level: float = ci.LEVEL, sampled: bool = False
) -> list[dict[str, Any]]:
    """Each row with `ci_low`, `ci_high` and `status` (a `Reason` value) added.

    A row below the metric's `min_sample` keeps its value but gets no interval and
    `status: insufficient_sample`, so charts can draw it hollow.
    """
    rows = list(rows)
    lows, highs, statuses, methods = interval_table.bounds(rows, metric, level, sampled)
    columns = zip(rows, lows, highs, statuses, methods, strict=True)
    return [
        dict(row, ci_low=low, ci_high=high, status=status, ci_method=method)
        for row, low, high, status, method in columns
    ]


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


def with_uncertainty(result: Result, metric: Metric, level: float = ci.LEVEL) -> Result:
    """A result whose rows carry `ci_low`, `ci_high` and `status` (and, when compared, a test of the change).

    `level` must be the level the query asked the engine for (`Query.level`): a median's bounds
    were picked in the engine at that level.
    """
    rows = intervals_for(result.rows, metric, level=level)
    if rows and "compare_period" in rows[0]:  # every row of a result has the same columns
        rows = changes_for(rows, metric)
    return replace(result, rows=rows)
