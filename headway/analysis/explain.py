"""What made a value: the rows behind each part of a metric in one period, and how they were linked.

For a ratio the numerator and denominator are listed apart, with their own values and n.
For workspaces with the delivery library, the share of changes merged in the period that
could not be attributed to a deployment, and of incidents that could not be linked, is
reported beside the value as a data-quality figure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from headway.engine import Actor, Engine, Query
from headway.engine.access import check_access
from headway.engine.calendar import Calendar
from headway.engine.results import json_row
from headway.spec.describe import describe
from headway.spec.graph import leaves, time_column
from headway.spec.library import Library
from headway.spec.models import Grain

ROW_LIMIT = 200


def explain(
    engine: Engine,
    metric_id: str,
    period: dt.date,
    grain: Grain | None = None,
    by: tuple[str, ...] = (),
    *,
    actor: Actor,
) -> dict[str, Any]:
    ws = engine.workspace
    metric = ws.metrics[metric_id]
    grain = grain or ws.grain_of(metric_id)
    start = Calendar(ws.config.week_start).start(period, grain)
    end = Calendar(ws.config.week_start).end(start, grain)
    last = end - dt.timedelta(days=1)
    values = _values(engine, Query(metric_id, grain, by, start, last), actor)
    roles = _roles(metric_id, ws.metrics)
    parts = []
    for leaf_id, role in roles:
        leaf = ws.metrics[leaf_id]
        source = ws.sources[leaf.source or ""]
        column = time_column(leaf, source)
        if column is None:
            continue
        check_access(ws, actor, leaf_id)  # the rows of a restricted part are as restricted as its value
        listed = engine.rows(source.name, column, start, end, condition=leaf.filter, limit=ROW_LIMIT)
        part_values = _values(engine, Query(leaf_id, grain, by, start, last), actor) if leaf_id != metric_id else values
        if source.name == "deployments" and "incidents" in ws.sources:
            _link_incidents(engine, listed, start, end)
        parts.append(
            {
                "metric": leaf_id,
                "role": role,
                "computed_as": describe(leaf),
                "filter": leaf.filter,
                "time": column,
                "values": part_values,
                "rows": listed,
                "rows_truncated": len(listed) >= ROW_LIMIT,
            }
        )
    out: dict[str, Any] = {
        "metric": metric_id,
        "name": metric.label,
        "grain": grain.value,
        "by": list(by),
        "period": start.isoformat(),
        "period_end": last.isoformat(),
        "computed_as": describe(metric),
        "defined_at": ws.where(metric_id),
        "values": values,
        "parts": parts,
    }
    if Library.DELIVERY in ws.config.include and {"changes", "incidents"} <= set(ws.sources):
        out["data_quality"] = delivery_quality(engine, start, end)
    return out


def _values(engine: Engine, query: Query, actor: Actor) -> list[dict[str, Any]]:
    return [json_row(row) for row in engine.query(query, actor=actor).rows]


def _roles(metric_id: str, metrics: Any) -> list[tuple[str, str]]:
    metric = metrics[metric_id]
    if metric.ratio is not None:
        num, den = metric.ratio.numerator, metric.ratio.denominator
        return [(leaf, "numerator") for leaf in leaves(metrics, num)] + [
            (leaf, "denominator") for leaf in leaves(metrics, den)
        ]
    if metric.is_derived:
        return [(leaf, "part") for leaf in leaves(metrics, metric_id)]
    return [(metric_id, "measure")]


def delivery_quality(engine: Engine, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Changes merged and incidents opened in the period, and the share that could not be linked."""
    changes = engine.rows("changes", "merged_at", start, end, limit=1000)
    incidents = engine.rows("incidents", "opened_at", start, end, limit=1000)
    unattributed = sum(1 for c in changes if c.get("attribution") == "unattributed")
    waiting = sum(1 for c in changes if c.get("attribution") == "not_deployed")
    unlinked = sum(1 for i in incidents if i.get("link_how") in (None, "none"))
    return {
        "changes_merged": len(changes),
        "changes_unattributed": unattributed,
        "changes_not_yet_deployed": waiting,
        "unattributed_share": unattributed / len(changes) if changes else None,
        "incidents_opened": len(incidents),
        "incidents_unlinked": unlinked,
        "unlinked_share": unlinked / len(incidents) if incidents else None,
    }


def _link_incidents(engine: Engine, deployments: list[dict[str, Any]], start: dt.date, end: dt.date) -> None:
    """Beside each deployment failed by an incident, the incidents linked to it and how."""
    around = (start - dt.timedelta(days=366), end + dt.timedelta(days=366))
    for row in deployments:
        if row.get("failure_how") == "incident":
            found = engine.rows("incidents", "opened_at", *around, equals={"deployment_id": row["deployment_id"]})
            row["incidents"] = [
                {k: i.get(k) for k in ("incident_id", "title", "opened_at", "link_how", "root_cause_sha")}
                for i in found
            ]
