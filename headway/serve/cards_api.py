"""GET /api/v1/cards: the overview's cards (north star and KPIs first, then delivery and health)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from headway.analysis.cards import overview_cards
from headway.serve.api.params import CurrentActor
from headway.serve.errors import ERROR_RESPONSES
from headway.serve.state import ServerState, get_state

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERROR_RESPONSES)
State = Annotated[ServerState, Depends(get_state)]


@router.get("/cards")
def cards(state: State, actor: CurrentActor) -> dict[str, Any]:
    """Each card: last complete period's value, target and status, change vs previous period and a year
    before, sparkline, owner, data age; KPIs carry their counter-metrics, flagged when the KPI improves
    while the counter-metric degrades."""
    ws = state.workspace
    return {"workspace": ws.config.name, **overview_cards(state.engine, actor=actor)}
