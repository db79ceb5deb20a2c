"""The quarter's numbers for a set of metrics: one batched `Engine.query_many` per grain.

Each metric gets its quarterly rows (the review quarter and the six before it, each compared
with the previous quarter) and its monthly rows (the review quarter and the nine months before),
or the reason code it could not be read. Rows are JSON-ready (`json_row`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from headway.engine import Actor, Compare, Engine, Failure, Query
from headway.engine.results import json_row
from headway.review.period import Quarter
from headway.spec.models import Grain

HISTORY_QUARTERS = 6  # quarters read before the review quarter: the recent pace looks at six changes
HISTORY_MONTHS = 9


@dataclass
class Numbers:
    """One metric's rows, or why there are none."""

    quarters: list[dict[str, Any]] = field(default_factory=list)
    months: list[dict[str, Any]] = field(default_factory=list)
    reason: str | None = None
    error: str | None = None

    def quarter(self, quarter: Quarter) -> dict[str, Any] | None:
        return next((r for r in self.quarters if r["period"] == quarter.start.isoformat()), None)


def fetch(engine: Engine, metric_ids: list[str], quarter: Quarter, *, actor: Actor) -> dict[str, Numbers]:
    """Quarterly and monthly rows of every metric in `metric_ids` (a failure stays with its metric)."""
    first_quarter = quarter.shift(-HISTORY_QUARTERS).start
    first_month = _months_before(quarter.start, HISTORY_MONTHS)
    out = {m: Numbers() for m in metric_ids}
    last = quarter.last_day
    asked = [
        (Grain.QUARTER, [Query(m, Grain.QUARTER, (), first_quarter, last, None, Compare.PREVIOUS) for m in metric_ids]),
        (Grain.MONTH, [Query(m, Grain.MONTH, (), first_month, last) for m in metric_ids]),
    ]
    for grain, queries in asked:
        for metric_id, answer in zip(metric_ids, engine.query_many(queries, actor=actor), strict=True):
            found = out[metric_id]
            if isinstance(answer, Failure):
                found.reason, found.error = answer.error.code, answer.error.message
                continue
            rows = [json_row(r) for r in answer.rows]
            if grain is Grain.QUARTER:
                found.quarters = rows
            else:
                found.months = rows
    return out


def _months_before(day: Any, count: int) -> Any:
    month = day.year * 12 + day.month - 1 - count
    return day.replace(year=month // 12, month=month % 12 + 1, day=1)
