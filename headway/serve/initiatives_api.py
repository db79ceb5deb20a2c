"""GET/POST /api/v1/initiatives: the ranked roadmap with measured impact; initiatives created in the UI are stored."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path
from pydantic import ConfigDict

from headway.analysis import plans
from headway.errors import HeadwayError
from headway.serve.errors import ERROR_RESPONSES, ErrorBody
from headway.serve.state import ServerState, current_state
from headway.spec.initiatives import Initiative, check_initiative
from headway.spec.issues import choices_hint
from headway.store import StateStore
from headway.store.meeting import add_initiative

CONFLICT = {"model": ErrorBody, "description": "The id is taken."}
router = APIRouter(prefix="/api/v1", tags=["api"], responses={**ERROR_RESPONSES, 409: CONFLICT})
State = Annotated[ServerState, Depends(current_state)]
InitiativeId = Annotated[str, Path(max_length=128, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


class InitiativeIn(Initiative):
    """An initiative as posted; `via` says whether a person used the UI or a script the API."""

    model_config = ConfigDict(defer_build=False)

    via: Literal["api", "ui"] = "api"


def store_of(state: ServerState) -> StateStore:
    if state.recorder is None:
        raise HeadwayError("the state database is not open", "Check the server log.", "state_unavailable", 503)
    return state.recorder.store


def _store_or_none(state: ServerState) -> StateStore | None:
    return state.recorder.store if state.recorder is not None else None


@router.get("/initiatives")
def get_initiatives(state: State) -> dict[str, Any]:
    """Every initiative ranked by expected KPI impact per effort, with its measured impact once launched."""
    return plans.report(state.engine, _store_or_none(state), actor=state.actor)


@router.get("/initiatives/{initiative_id}")
def get_initiative(initiative_id: InitiativeId, state: State) -> dict[str, Any]:
    """One initiative as listed in /api/v1/initiatives (its rank is among all of them)."""
    body = plans.report(state.engine, _store_or_none(state), actor=state.actor)
    found = {row["id"]: row for row in body["initiatives"]}
    if initiative_id not in found:
        hint = choices_hint(initiative_id, found, "an initiative id") if found else "No initiative exists yet."
        raise HeadwayError(f"unknown initiative '{initiative_id}'", hint, "unknown_initiative", 404)
    return found[initiative_id]


@router.post("/initiatives", status_code=201)
def create_initiative(body: InitiativeIn, state: State) -> dict[str, Any]:
    """Add an initiative (stored in the state database; those in initiatives/*.yml stay read-only)."""
    ws = state.workspace
    item = Initiative.model_validate(body.model_dump(exclude={"via"}))
    for path, message, hint in check_initiative(item, ws.metrics):
        where = ".".join(str(p) for p in path)
        raise HeadwayError(f"{where}: {message}", hint, "unknown_metric_named", 400)
    store = store_of(state)
    taken = {x.item.id: x.source for x in plans.listed_initiatives(ws, store)}
    if item.id in taken:
        raise HeadwayError(
            f"initiative '{item.id}' already exists ({taken[item.id]})", "Choose another id.", "conflict", 409
        )
    record = add_initiative(store, item, body.via)
    return {**record.spec, "source": record.via, "created_at": record.created_at.isoformat()}
