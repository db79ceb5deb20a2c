"""/api/v1/metrics/{metric_id}/alerts: the alert markers a metric's chart draws (its JSON twin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from headway.alerts.markers import markers
from headway.engine.access import check_access
from headway.serve.alerts_service import AlertService
from headway.serve.api.params import MetricId, State, known
from headway.serve.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/metrics", tags=["alerts"], responses=ERROR_RESPONSES)


@router.get("/{metric_id}/alerts")
def metric_alerts(request: Request, metric_id: MetricId, state: State) -> Any:
    """Where this metric's alerts fired, were acknowledged and resolved, oldest first."""
    known(state, metric_id)  # unknown: 404 with the closest ids
    check_access(state.workspace, state.actor, metric_id)  # restricted: 403
    service: AlertService | None = getattr(request.app.state, "alerts", None)
    return {"metric": metric_id, "markers": markers(service.store, metric_id) if service is not None else []}
