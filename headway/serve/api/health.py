"""GET /api/v1/health: is the server up, and which metrics currently fail (degraded)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from headway import __version__
from headway.serve.api.params import CurrentActor, State

router = APIRouter()


@router.get("/health")
def health(state: State, actor: CurrentActor) -> dict[str, Any]:
    """`ok` is false when any metric fails to compute; `degraded` names them with their reason codes."""
    ws = state.workspace
    failing = [
        {"metric": s.metric.id, "reason": s.reason, "detail": s.detail}
        for s in state.overview.summaries(actor)
        if s.failed
    ]
    return {
        "ok": not failing,
        "status": "degraded" if failing else "ok",
        "degraded": failing,
        "version": __version__,
        "workspace": ws.config.name,
        "engine": state.engine.engine_name,
        "spec_hash": ws.spec_hash,
        "metrics": len(ws.metrics),
        "cache_bytes": state.engine.cache_bytes,
        "warm": state.warmed.is_set(),  # the start-up warm-up (overview, cards, tree, dashboards) is over
    }
