"""Guardrail breaches of the quarter: a counter-metric that got worse while the metric it guards got better.

"Better" and "worse" follow each metric's `direction`, on the quarter against the quarter before.
A metric without a direction, or without a value in either quarter, cannot be judged: it is
listed as such, never as a breach. Alerts come from the state database: every incident whose
period falls in the quarter.
"""

from __future__ import annotations

from typing import Any

from headway.alerts.feed import MAX_LIMIT, incidents
from headway.review.kpis import sign
from headway.review.period import Quarter
from headway.review.series import Numbers
from headway.spec.workspace import Workspace
from headway.store import StateStore


def pairs(ws: Workspace, guarded: list[str]) -> list[tuple[str, str]]:
    """(guarded metric, counter-metric) for every declared counter-metric of the metrics in `guarded`."""
    return [(g, c) for g in guarded for c in ws.metrics[g].counter_metrics if c in ws.metrics]


def moved(numbers: Numbers, quarter: Quarter, direction: int | None) -> bool | None:
    """Whether the quarter changed in `direction` against the previous one (None: cannot tell)."""
    row = numbers.quarter(quarter)
    change = row.get("change") if row else None
    if direction is None or change is None:
        return None
    return change * direction > 0


def breaches(ws: Workspace, numbers: dict[str, Numbers], quarter: Quarter, guarded: list[str]) -> list[dict[str, Any]]:
    out = []
    for metric_id, counter_id in pairs(ws, guarded):
        kpi, counter = ws.metrics[metric_id], ws.metrics[counter_id]
        counter_sign = sign(counter)
        improves = moved(numbers[metric_id], quarter, sign(kpi))
        degrades = moved(numbers[counter_id], quarter, -counter_sign if counter_sign is not None else None)
        mine, theirs = numbers[metric_id].quarter(quarter) or {}, numbers[counter_id].quarter(quarter) or {}
        out.append(
            {
                "metric": metric_id,
                "metric_name": kpi.label,
                "metric_unit": kpi.unit,
                "counter": counter_id,
                "counter_name": counter.label,
                "counter_unit": counter.unit,
                "metric_value": mine.get("value"),
                "metric_previous": mine.get("compare_value"),
                "counter_value": theirs.get("value"),
                "counter_previous": theirs.get("compare_value"),
                "improves": improves,
                "degrades": degrades,
                "breach": bool(improves and degrades),
                "judged": improves is not None and degrades is not None,
            }
        )
    return sorted(out, key=lambda b: (not b["breach"], b["metric"], b["counter"]))


def fired_alerts(store: StateStore, quarter: Quarter) -> list[dict[str, Any]]:
    """Incidents whose period starts in the quarter, oldest first (at most the feed's limit)."""
    start, end = quarter.start.isoformat(), quarter.end.isoformat()
    found = [i for i in incidents(store, limit=MAX_LIMIT) if start <= str(i["period"])[:10] < end]
    return sorted(found, key=lambda i: (str(i["period"]), i["id"]))
