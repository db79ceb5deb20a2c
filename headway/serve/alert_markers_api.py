"""/api/v1/metrics/{metric}/alerts: the alert markers a metric's chart draws (its JSON twin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from headway.alerts.markers import markers
from headway.engine.access import check_access
from headway.serve.alerts_service import AlertService
from headway.serve.errors import ERROR_RESPONSES, error_body
from headway.serve.state import get_state

router = APIRouter(prefix="/api/v1/metrics", tags=["alerts"], responses=ERROR_RESPONSES)


@router.get("/{metric}/alerts")
def metric_alerts(request: Request, metric: Annotated[str, Path(max_length=128)]) -> Any:
    """Where this metric's alerts fired, were acknowledged and resolved, oldest first."""
    state = get_state(request)
    if metric not in state.workspace.metrics:
        return JSONResponse(error_body(404, f"unknown metric '{metric}'", code="unknown_metric"), status_code=404)
    check_access(state.workspace, state.actor, metric)  # a restricted metric: 403, by the app's error handler
    service: AlertService | None = getattr(request.app.state, "alerts", None)
    found = markers(service.store, metric) if service is not None else []
    return {"metric": metric, "markers": found}
