"""The alert feed: recent incidents, newest first, with their history on request."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from headway.alerts.lifecycle import incident_json
from headway.store import StateStore
from headway.store.alert_models import AlertEvent, AlertIncident

MAX_LIMIT = 500


def incidents(
    store: StateStore, limit: int = 50, state: str | None = None, metric: str | None = None
) -> list[dict[str, Any]]:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    stmt = select(AlertIncident).order_by(AlertIncident.opened_at.desc(), AlertIncident.id.desc()).limit(limit)
    if state is not None:
        stmt = stmt.where(AlertIncident.state == state)
    if metric is not None:
        stmt = stmt.where(AlertIncident.metric_id == metric)
    with store.session() as s:
        return [incident_json(i) for i in s.scalars(stmt)]


def history(store: StateStore, incident_id: int) -> list[dict[str, Any]]:
    stmt = select(AlertEvent).where(AlertEvent.incident_id == incident_id).order_by(AlertEvent.at, AlertEvent.id)
    with store.session() as s:
        return [{"at": e.at.isoformat(), "kind": e.kind, "detail": e.detail} for e in s.scalars(stmt)]
