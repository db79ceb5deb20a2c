"""The latest value of each metric, honest about periods that are not over yet.

A week that ends tomorrow is not comparable with the last full week, so the
headline value is the last *complete* period; the partial one is reported
beside it, labelled as such.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from headway.engine import Compare, DataError, Engine, Query, QueryError
from headway.engine.calendar import Calendar
from headway.spec.models import Grain, Metric

HISTORY = 3  # periods fetched: enough for a complete one, its predecessor, and a partial one


@dataclass(frozen=True)
class MetricSummary:
    metric: Metric
    grain: Grain
    period: str | None = None
    value: float | int | None = None
    n: int | None = None
    previous_value: float | int | None = None
    change: float | None = None
    change_pct: float | None = None
    partial_period: str | None = None
    partial_value: float | int | None = None
    data_through: str | None = None
    reason: str | None = None  # why there is no value, when there is none

    def to_json(self) -> dict[str, Any]:
        m = self.metric
        return {
            "id": m.id,
            "name": m.label,
            "kind": m.kind.value,
            "unit": m.unit,
            "owner": m.owner,
            "direction": m.direction.value if m.direction else None,
            "status": m.status.value,
            "grain": self.grain.value,
            "latest": {
                "period": self.period,
                "value": self.value,
                "n": self.n,
                "previous_value": self.previous_value,
                "change": self.change,
                "change_pct": self.change_pct,
                "complete": True,
            }
            if self.period
            else None,
            "partial": {"period": self.partial_period, "value": self.partial_value, "complete": False}
            if self.partial_period
            else None,
            "data_through": self.data_through,
            "reason": self.reason,
        }


def summarize(engine: Engine, metric_id: str, grain: Grain | None = None) -> MetricSummary:
    ws = engine.workspace
    metric = ws.metrics[metric_id]
    grain = grain or ws.grain_of(metric_id)
    try:
        span = engine.data_range(metric_id)
    except DataError as error:
        return MetricSummary(metric, grain, reason=f"data_error: {error}")
    if span is None:
        return MetricSummary(metric, grain, reason="no_data")
    calendar = Calendar(ws.config.week_start)
    last_day = engine.data_through(metric_id) or span[1]
    first = max(span[0], calendar.shift(calendar.start(last_day, grain), grain, -(HISTORY - 1)))
    query = Query(metric_id, grain, start=first, end=last_day, compare=Compare.PREVIOUS)
    try:
        rows = engine.query(query).rows
    except (QueryError, DataError) as error:
        return MetricSummary(metric, grain, reason=f"error: {error}")
    return _pick(metric, grain, rows, calendar, last_day)


def _pick(
    metric: Metric, grain: Grain, rows: list[dict[str, Any]], calendar: Calendar, last_day: dt.date
) -> MetricSummary:
    complete = [
        r for r in rows if calendar.end(dt.date.fromisoformat(r["period"]), grain) <= last_day + dt.timedelta(days=1)
    ]
    partial = [r for r in rows if r not in complete]
    base: dict[str, Any] = {"data_through": last_day.isoformat()}
    extra: dict[str, Any] = (
        {"partial_period": partial[-1]["period"], "partial_value": partial[-1]["value"]} if partial else {}
    )
    if not complete:
        return MetricSummary(metric, grain, reason="no_complete_period", **base, **extra)
    row = complete[-1]
    return MetricSummary(
        metric,
        grain,
        period=row["period"],
        value=row["value"],
        n=row["n"],
        previous_value=row.get("compare_value"),
        change=row.get("change"),
        change_pct=row.get("change_pct"),
        **base,
        **extra,
    )


def summarize_all(engine: Engine) -> list[MetricSummary]:
    order = {"kpi": 0, "delivery": 1, "counter": 2, "health": 3, "input": 4}
    metrics = sorted(engine.workspace.metrics.values(), key=lambda m: (order[m.kind.value], m.id))
    return [summarize(engine, m.id) for m in metrics]
