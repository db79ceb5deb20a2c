"""/api/v1/alerts: the feed, one incident with its history, and acknowledgement (API and signed link)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from headway.alerts.errors import AckError
from headway.alerts.feed import MAX_LIMIT, history, incident, incidents
from headway.alerts.links import verify
from headway.serve.alerts_service import AlertService
from headway.serve.errors import ERROR_RESPONSES, ErrorBody, error_body

RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    403: {"model": ErrorBody, "description": "The acknowledgement link's token is not valid."},
    409: {"model": ErrorBody, "description": "The incident is already resolved."},
    503: {"model": ErrorBody, "description": "Alerts are not running (the server is starting)."},
}
router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"], responses=RESPONSES)
IncidentId = Annotated[int, Path(ge=1, le=2**62)]


class Ack(BaseModel):
    by: str = Field(min_length=1, max_length=200)


def _service(request: Request) -> AlertService | None:
    return getattr(request.app.state, "alerts", None)


def _unavailable() -> JSONResponse:
    return JSONResponse(error_body(503, "alerts are not running yet", code="alerts_unavailable"), status_code=503)


def _no_rules(incident_id: int) -> JSONResponse:
    return _refused(AckError(f"no alert incident {incident_id}: this workspace has no alert rules", "unknown_alert"))


def _refused(error: AckError) -> JSONResponse:
    return JSONResponse(error_body(error.status, error.message, code=error.code), status_code=error.status)


@router.get("")
def alert_feed(
    request: Request,
    state: Annotated[str | None, Query(pattern="^(open|firing|acknowledged|resolved)$")] = None,
    metric: Annotated[str | None, Query(max_length=128)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> Any:
    """Incidents, newest first: what fired, when, against which band, and where it stands."""
    service = _service(request)
    if service is None:
        return _unavailable()
    return {"alerts": incidents(service.store, limit, state, metric)}


@router.get("/{incident_id}")
def alert_detail(request: Request, incident_id: IncidentId) -> Any:
    service = _service(request)
    if service is None:
        return _unavailable()
    found = incident(service.store, incident_id)
    if found is None:
        return _refused(AckError(f"no alert incident {incident_id}", "unknown_alert"))
    return {**found, "history": history(service.store, incident_id)}


@router.post("/{incident_id}/ack")
def acknowledge(request: Request, incident_id: IncidentId, ack: Annotated[Ack, Body()]) -> Any:
    """Acknowledge an incident: escalation and repeats stop."""
    service = _service(request)
    if service is None or service.alerting is None:
        return _unavailable() if service is None else _no_rules(incident_id)
    try:
        return service.alerting.acknowledge(incident_id, ack.by)
    except AckError as error:
        return _refused(error)


@router.get("/{incident_id}/ack")
def acknowledge_by_link(
    request: Request, incident_id: IncidentId, token: Annotated[str, Query(min_length=1, max_length=128)]
) -> Any:
    """The signed link in every alert message: acknowledges that one incident."""
    service = _service(request)
    if service is None or service.alerting is None:
        return _unavailable() if service is None else _no_rules(incident_id)
    if not verify(service.alerting.secret, incident_id, token):
        return JSONResponse(
            error_body(403, "this acknowledgement link is not valid", code="invalid_token"), status_code=403
        )
    try:
        return service.alerting.acknowledge(incident_id, "signed link")
    except AckError as error:
        return _refused(error)
