"""Alert markers for a metric's chart: where each incident fired, was acknowledged and resolved.

`fired` sits on the data period that breached the band (the incident's `period`); `resolved`
on the data period of the evaluation that found it calm again (older incidents without one:
the day it resolved); `acknowledged` on the day someone acknowledged it. Read from the
state database only: no engine, no statistics.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from headway.store import StateStore
from headway.store.alert_models import AlertEvent, AlertIncident

MAX_INCIDENTS = 200


def markers(store: StateStore, metric: str, limit: int = MAX_INCIDENTS) -> list[dict[str, Any]]:
    """Markers of the metric's latest `limit` incidents, oldest first."""
    stmt = (
        select(AlertIncident)
        .where(AlertIncident.metric_id == metric)
        .order_by(AlertIncident.opened_at.desc(), AlertIncident.id.desc())
        .limit(limit)
    )
    out: list[dict[str, Any]] = []
    with store.session() as s:
        found = list(s.scalars(stmt))
        resolved = _resolved_periods(s, [i.id for i in found if i.state == "resolved"])
        for incident in reversed(found):
            base = {"incident": incident.id, "rule": incident.rule_id, "series": dict(incident.series or {})}
            out.append({**base, "kind": "fired", "period": incident.period, "at": _iso(incident.opened_at),
                        "value": incident.value, "low": incident.low, "high": incident.high,
                        "direction": incident.direction, "state": incident.state})  # fmt: skip
            if incident.acknowledged_at is not None:
                out.append({**base, "kind": "acknowledged", "period": _day(incident.acknowledged_at),
                            "at": _iso(incident.acknowledged_at), "by": incident.acknowledged_by})  # fmt: skip
            if incident.resolved_at is not None:
                period = resolved.get(incident.id) or _day(incident.resolved_at)
                out.append({**base, "kind": "resolved", "period": period, "at": _iso(incident.resolved_at)})
    return out


def _resolved_periods(session: Any, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    stmt = select(AlertEvent).where(AlertEvent.incident_id.in_(ids), AlertEvent.kind == "resolved")
    return {e.incident_id: e.detail["period"] for e in session.scalars(stmt) if (e.detail or {}).get("period")}


def _iso(value: dt.datetime) -> str:
    return value.isoformat()


def _day(value: dt.datetime) -> str:
    return value.date().isoformat()
