"""The quarterly review pack on the server: /review/{period} (the offline document) and its JSON twin.

Both draw `headway.review.review_pack` as it is; this module only picks the state database
and renders. The page is the same self-contained HTML file `headway review` writes.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import HTMLResponse, RedirectResponse

from headway.review import ReviewError, parse_quarter, review_pack
from headway.review.render import render_html, render_problem
from headway.serve.api.params import CurrentActor
from headway.serve.errors import ERROR_RESPONSES
from headway.serve.state import ServerState, current_state
from headway.store import StateStore

router = APIRouter(tags=["api"], responses=ERROR_RESPONSES)
State = Annotated[ServerState, Depends(current_state)]
Period = Annotated[str, Path(max_length=64, description="The quarter, e.g. 2026Q4.")]


def _store(state: ServerState) -> StateStore | None:
    return state.recorder.store if state.recorder is not None else None


@router.get("/api/v1/review/{period}")
def review_json(period: Period, state: State, actor: CurrentActor) -> dict[str, Any]:
    """The quarterly review pack: north star and KPIs with targets and pace, the metric tree with
    evidence, guardrail breaches and alerts, delivery tiers, investment balance, annotations; each
    section `ok`, `absent` (with why) or `error`. A bad period answers 400 `bad_period`."""
    return review_pack(state.engine, parse_quarter(period), actor=actor, store=_store(state))


@router.get("/review", include_in_schema=False)
def review_latest(state: State) -> RedirectResponse:
    """The pack of the quarter the data is current in (today's without data): what the overview links to."""
    day = state.engine.facts.workspace_through() or dt.date.today()
    return RedirectResponse(f"/review/{day.year}Q{(day.month - 1) // 3 + 1}", status_code=307)


@router.get("/review/{period}", response_class=HTMLResponse, include_in_schema=False)
def review_page(period: Period, state: State, actor: CurrentActor) -> HTMLResponse:
    try:
        quarter = parse_quarter(period)
    except ReviewError as error:
        page = render_problem(state.workspace.config.name, error.message, error.hint)
        return HTMLResponse(page, status_code=error.status)
    pack = review_pack(state.engine, quarter, actor=actor, store=_store(state))
    return HTMLResponse(render_html(pack))
