"""GET /api/v1/cards: the overview's cards (north star and KPIs first, then delivery and health)."""

from __future__ import annotations

import json
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from headway.analysis.cards import cached_cards, overview_cards
from headway.serve.api.params import CurrentActor
from headway.serve.encoded import Encoded
from headway.serve.errors import ERROR_RESPONSES
from headway.serve.listing import data_versions
from headway.serve.state import ServerState, current_state

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERROR_RESPONSES)
State = Annotated[ServerState, Depends(current_state)]
_encoded: list[tuple[dict[str, Any], Encoded]] = []  # the last answer and its JSON: a page load re-encodes nothing
_lock = threading.Lock()


@router.get("/cards", response_model=None)
async def cards(request: Request, state: State, actor: CurrentActor) -> Response:
    """Each card: last complete period's value, target and status, change vs previous period and a year
    before, sparkline, owner, data age; KPIs carry their counter-metrics, flagged when the KPI improves
    while the counter-metric degrades.

    Cached cards are answered on the event loop (see `serve/listing.py`); only building them goes to a
    worker thread."""
    versions = await data_versions(state)
    found = cached_cards(state.engine, actor=actor, versions=versions)
    if found is None:
        found = await run_in_threadpool(lambda: overview_cards(state.engine, actor=actor, versions=versions))
    with _lock:
        if _encoded and _encoded[0][0] is found:
            return _encoded[0][1].response(request)
    body = await run_in_threadpool(_encode, state, found)  # once per new answer: off the loop
    with _lock:
        _encoded[:] = [(found, body)]
    return body.response(request)


def _encode(state: ServerState, found: dict[str, Any]) -> Encoded:
    return Encoded.of(json.dumps({"workspace": state.workspace.config.name, **found}, separators=(",", ":")).encode())
