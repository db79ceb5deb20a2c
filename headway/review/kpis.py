"""The north star and the KPIs for the quarter: value, change on the quarter before, target and pace.

Pace follows the one rule of `headway.analysis.pace`, judged on quarters: a target with `by` ahead
is projected to `by` at the recent quarterly pace; a target without `by` is a level to hold.
A quarter still running is labelled partial, with the day its data runs through.
"""

from __future__ import annotations

from typing import Any

from headway.analysis.pace import assess, recent_pace
from headway.review.period import Quarter
from headway.review.series import Numbers
from headway.spec.models import Direction, Kind, Metric
from headway.spec.workspace import Workspace


def kpi_ids(ws: Workspace) -> list[str]:
    """The north star first (whatever its kind), then every live KPI by id."""
    star = ws.config.north_star
    kpis = sorted(m.id for m in ws.metrics.values() if m.kind is Kind.KPI and m.status.value != "retired")
    return ([star] if star in ws.metrics else []) + [k for k in kpis if k != star]


def sign(metric: Metric) -> int | None:
    if metric.direction is None:
        return None
    return 1 if metric.direction is Direction.INCREASE else -1


def kpi_card(ws: Workspace, metric_id: str, numbers: Numbers, quarter: Quarter) -> dict[str, Any]:
    metric = ws.metrics[metric_id]
    row = numbers.quarter(quarter)
    out: dict[str, Any] = {
        "id": metric.id,
        "name": metric.label,
        "unit": metric.unit,
        "direction": metric.direction.value if metric.direction else None,
        "owner": metric.owner,
        "north_star": metric.id == ws.config.north_star,
        "target": metric.target.model_dump(mode="json") if metric.target else None,
        "months": [{"period": r["period"], "value": r["value"], "complete": r["complete"]} for r in numbers.months],
        "quarters": [{"period": r["period"], "value": r["value"], "complete": r["complete"]} for r in numbers.quarters],
        "reason": numbers.reason,
        "error": numbers.error,
    }
    if row is None:
        return {**out, "value": None, "reason": numbers.reason or "no_data"}
    out.update(
        value=row["value"],
        n=row["n"],
        complete=row["complete"],
        reason=row["reason"],
        previous={"period": row.get("compare_period"), "value": row.get("compare_value"),
                  "change_pct": row.get("change_pct")},
        pace=_pace(metric, row, numbers.quarters, quarter),
    )  # fmt: skip
    return out


def _pace(
    metric: Metric, row: dict[str, Any], quarters: list[dict[str, Any]], quarter: Quarter
) -> dict[str, Any] | None:
    target = metric.target
    if target is None or row["value"] is None:
        return None
    if target.since is not None and quarter.end <= target.since:
        return {"status": "not_started", "since": target.since.isoformat()}
    left = None
    if target.by is not None:
        by = Quarter(target.by.year, (target.by.month - 1) // 3 + 1)
        left = max(0, (by.year * 4 + by.number) - (quarter.year * 4 + quarter.number))
    known = [r["value"] for r in quarters if r["period"] <= row["period"] and (r["complete"] or r is row)]
    found = assess(
        row["value"], target.value, direction=sign(metric), tolerance=target.tolerance,
        periods_left=left, pace=recent_pace(known),
    )  # fmt: skip
    return {**found.to_json(), "partial": not row["complete"]}
