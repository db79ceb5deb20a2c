"""The alert feed: recent incidents, newest first, with their history on request."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from headway.store import StateStore
from headway.store.alert_models import AlertEvent, AlertIncident

MAX_LIMIT = 500


def incidents(
    store: StateStore, limit: int = 50, state: str | None = None, metric: str | None = None
) -> list[dict[str, Any]]:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    stmt = select(AlertIncident).order_by(AlertIncident.opened_at.desc(), AlertIncident.id.desc()).limit(limit)
    if state == "open":  # firing or acknowledged: what the overview's feed lists
        stmt = stmt.where(AlertIncident.state.in_(("firing", "acknowledged")))
    elif state is not None:
        stmt = stmt.where(AlertIncident.state == state)
    if metric is not None:
        stmt = stmt.where(AlertIncident.metric_id == metric)
    with store.session() as s:
        return [incident_json(i) for i in s.scalars(stmt)]


def incident(store: StateStore, incident_id: int) -> dict[str, Any] | None:
    with store.session() as s:
        found = s.get(AlertIncident, incident_id)
        return incident_json(found) if found is not None else None


def history(store: StateStore, incident_id: int) -> list[dict[str, Any]]:
    stmt = select(AlertEvent).where(AlertEvent.incident_id == incident_id).order_by(AlertEvent.at, AlertEvent.id)
    with store.session() as s:
        return [{"at": e.at.isoformat(), "kind": e.kind, "detail": e.detail} for e in s.scalars(stmt)]


def incident_json(incident: AlertIncident) -> dict[str, Any]:
    def when(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": incident.id,
        "key": incident.key,
        "rule": incident.rule_id,
        "metric": incident.metric_id,
        "series": dict(incident.series or {}),
        "state": incident.state,
        "period": incident.period,
        "value": incident.value,
        "expected": incident.expected,
        "low": incident.low,
        "high": incident.high,
        "direction": incident.direction,
        "level": incident.level,
        "opened_at": when(incident.opened_at),
        "acknowledged_at": when(incident.acknowledged_at),
        "acknowledged_by": incident.acknowledged_by,
        "resolved_at": when(incident.resolved_at),
        "parent_id": incident.parent_id,
        "drivers": list(incident.drivers or []),
    }
