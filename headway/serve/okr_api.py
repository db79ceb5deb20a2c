"""OKRs over HTTP: GET /api/v1/objectives, GET /api/v1/objectives/{id}, POST /api/v1/objectives/{id}/checkins.

The JSON comes from `headway.analysis.okr` (scores, pace, guardrails); this module only checks
the request, stores a check-in and hands back the objective as the analysis reports it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.exceptions import HTTPException

from headway.analysis.okr import objective_report, okr_report, workspace_today
from headway.analysis.okr_guard import checkin_json
from headway.engine import QueryError
from headway.errors import HeadwayError
from headway.serve.api.params import CurrentActor, State
from headway.serve.errors import ERROR_RESPONSES
from headway.serve.state import ServerState
from headway.spec.issues import choices_hint
from headway.spec.objectives import ObjectiveSpec, load_objectives
from headway.store import StateStore
from headway.store.okr import add_checkin, list_checkins

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERROR_RESPONSES)
PeriodParam = Annotated[str | None, Query(pattern=r"^\d{4}Q[1-4]$", description="a quarter such as 2026Q4")]
ObjectiveId = Annotated[str, Path(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=128)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
_specs: dict[tuple[str, str], ObjectiveSpec] = {}


class CheckinIn(BaseModel):
    """A check-in on one key result: how confident the owner is (1-10), what they see, what blocks them."""

    model_config = ConfigDict(extra="forbid")

    kr: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    confidence: Annotated[int, Field(ge=1, le=10)]
    author: Line
    comment: LongText | None = None
    blockers: LongText | None = None
    value: Annotated[float, Field(allow_inf_nan=False)] | None = None


def objectives_spec(state: ServerState) -> ObjectiveSpec:
    """The workspace's objectives, read once per spec (problems were reported when the spec loaded)."""
    ws = state.workspace
    key = (str(ws.root), ws.spec_hash)
    if key not in _specs:
        _specs[key] = load_objectives(ws)[0]
    return _specs[key]


@router.get("/objectives")
def list_objectives(state: State, actor: CurrentActor, period: PeriodParam = None) -> dict[str, Any]:
    """Every objective of a quarter (all quarters without `period`), scored, with guardrails and check-ins."""
    return okr_report(state.engine, period, actor=actor, store=_store(state), spec=objectives_spec(state))


@router.get("/objectives/{objective_id}")
def get_objective(objective_id: ObjectiveId, state: State, actor: CurrentActor) -> dict[str, Any]:
    """One objective: its key results with score, pace and status, guardrails, flags and check-in history."""
    spec = objectives_spec(state)
    objective = _known(spec, objective_id)
    store = _store(state)
    checkins = list_checkins(store, [objective.id]) if store is not None else []
    today = workspace_today(state.engine)
    return objective_report(state.engine, spec, objective, actor=actor, store=store, today=today, checkins=checkins)


@router.post("/objectives/{objective_id}/checkins", status_code=201)
def post_checkin(objective_id: ObjectiveId, body: CheckinIn, state: State) -> dict[str, Any]:
    """Record a check-in on one key result of the objective; the history is kept."""
    spec = objectives_spec(state)
    objective = _known(spec, objective_id)
    if body.kr not in objective.kr_ids:
        hint = choices_hint(body.kr, objective.kr_ids, "a key result id")
        raise QueryError(f"objective '{objective_id}' has no key result '{body.kr}'", hint, code="unknown_key_result")
    store = _store(state)
    if store is None:
        raise HTTPException(503, "the state database is not open, so check-ins cannot be stored")
    record = add_checkin(
        store,
        objective.id,
        body.kr,
        confidence=body.confidence,
        author=body.author,
        comment=body.comment or None,
        blockers=body.blockers or None,
        value=body.value,
    )
    return checkin_json(record)


def _known(spec: ObjectiveSpec, objective_id: str) -> Any:
    if objective_id not in spec.objectives:
        hint = choices_hint(objective_id, spec.objectives, "an objective id")
        raise HeadwayError(f"unknown objective '{objective_id}'", hint, code="unknown_objective", status=404)
    return spec.objectives[objective_id]


def _store(state: ServerState) -> StateStore | None:
    return state.recorder.store if state.recorder is not None else None
