"""/api/v1/meeting: stakeholder rankings, decisions, action items and change records for a quarter.

GET answers the quarter's meeting (YAML and stored items merged, see analysis/meeting.py); POST adds
to it. Replacing a stakeholder's ranking mid-quarter is a priority change: it needs `reason` and
leaves a change record. Action items move between open, done and dropped with PATCH.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi import Path as PathParam
from pydantic import BeforeValidator, ConfigDict

from headway.analysis import plans
from headway.analysis.meeting import gather, meeting_report, quarter_of, with_overdue
from headway.errors import HeadwayError
from headway.serve.errors import ERROR_RESPONSES, ErrorBody
from headway.serve.initiatives_api import store_of
from headway.serve.okr_api import objectives_spec
from headway.serve.state import ServerState, current_state
from headway.spec.annotations import iso_day
from headway.spec.issues import choices_hint
from headway.spec.meetings import (
    QUARTER,
    ActionItem,
    ActionStatus,
    ChangeKind,
    ChangeRecord,
    Decision,
    LongText,
    Quarter,
    Ranking,
    objective_hint,
)
from headway.spec.models import Model
from headway.store import meeting as stored
from headway.store.meeting import record_json

CONFLICT = {"model": ErrorBody, "description": "The id is taken."}
router = APIRouter(prefix="/api/v1/meeting", tags=["api"], responses={**ERROR_RESPONSES, 409: CONFLICT})
State = Annotated[ServerState, Depends(current_state)]
PeriodQuery = Annotated[str | None, Query(pattern=QUARTER.pattern, description="A quarter such as 2026Q4.")]
Via = Literal["api", "ui"]


class RankingIn(Ranking):
    model_config = ConfigDict(defer_build=False)
    period: Quarter
    reason: LongText | None = None  # required when it replaces this stakeholder's ranking for the quarter
    via: Via = "api"


class DecisionIn(Decision):
    model_config = ConfigDict(defer_build=False)
    period: Quarter
    via: Via = "api"


class ActionIn(ActionItem):
    model_config = ConfigDict(defer_build=False)
    period: Quarter | None = None  # default: the quarter of `due`
    via: Via = "api"


class ChangeIn(ChangeRecord):
    model_config = ConfigDict(defer_build=False)
    period: Quarter
    via: Via = "api"


class StatusIn(Model):
    model_config = ConfigDict(defer_build=False, extra="forbid", frozen=True)
    status: ActionStatus


def _check_metrics(state: ServerState, ids: list[str], field: str) -> None:
    known = state.workspace.metrics
    for index, metric_id in enumerate(ids):
        if metric_id not in known:
            hint = choices_hint(metric_id, known, "a metric id")
            raise HeadwayError(f"{field}[{index}]: unknown metric '{metric_id}'", hint, "unknown_metric_named", 400)


def _check_objectives(state: ServerState, ids: list[str]) -> None:
    """Refuse an objective id that `objectives/*.yml` does not declare (400, with the closest ids)."""
    known = objectives_spec(state).objectives if ids else {}
    for index, objective_id in enumerate(ids):
        if objective_id not in known:
            hint = objective_hint(objective_id, known)
            message = f"objectives[{index}]: unknown objective '{objective_id}'"
            raise HeadwayError(message, hint, "unknown_objective_named", 400)


def _row(record: Any) -> dict[str, Any]:
    row = record_json(record)
    row["source"] = row.pop("via")
    return row


@router.get("")
def get_meeting(
    state: State,
    period: PeriodQuery = None,
    today: Annotated[
        dt.date | None, BeforeValidator(iso_day), Query(description="Judge overdue as of this day.")
    ] = None,
) -> dict[str, Any]:
    """The quarter's priorities and where stakeholders disagree (Kendall's W, spread per KPI), decisions, actions."""
    day = today or plans.today(state.workspace)
    store = state.recorder.store if state.recorder is not None else None
    return meeting_report(state.workspace, period or quarter_of(day), store=store, today=day)


@router.get("/actions")
def get_actions(
    state: State,
    period: PeriodQuery = None,
    status: Annotated[ActionStatus | None, Query()] = None,
) -> dict[str, Any]:
    """Action items of every quarter (or one), each flagged overdue when open past its due day; soonest due first."""
    day = plans.today(state.workspace)
    store = state.recorder.store if state.recorder is not None else None
    actions = with_overdue(gather(state.workspace, store, period).actions, day)
    if status is not None:
        actions = [a for a in actions if a["status"] == status.value]
    actions.sort(key=lambda a: (a["due"], str(a["id"])))
    return {"today": day.isoformat(), "actions": actions, "overdue": sum(a["overdue"] for a in actions)}


@router.post("/actions", status_code=201)
def create_action(body: ActionIn, state: State) -> dict[str, Any]:
    """Add an action item with an owner and a due day, tied to the metrics and objectives it concerns."""
    _check_metrics(state, body.metrics, "metrics")
    _check_objectives(state, body.objectives)
    item = ActionItem.model_validate(body.model_dump(exclude={"period", "via"}))
    day = plans.today(state.workspace)
    if item.status is ActionStatus.DONE and item.done_on is None:
        item = item.model_copy(update={"done_on": day})
    record = stored.add_action(store_of(state), body.period or quarter_of(item.due), item, body.via)
    return {**_row(record), "overdue": False if item.status is not ActionStatus.OPEN else item.due < day}


@router.patch("/actions/{action_id}")
def update_action(action_id: Annotated[int, PathParam(ge=1, le=2**62)], body: StatusIn, state: State) -> dict[str, Any]:
    """Mark an action item done (or dropped, or open again); done stamps today's date."""
    day = plans.today(state.workspace)
    record = stored.set_action_status(store_of(state), action_id, body.status, day)
    if record is None:
        hint = "Action items written in meetings/*.yml change in their file; stored ones have a number id."
        raise HeadwayError(f"no stored action item {action_id}", hint, "unknown_action", 404)
    return {**_row(record), "overdue": record.status == ActionStatus.OPEN.value and record.due < day}


@router.post("/rankings", status_code=201)
def create_ranking(body: RankingIn, state: State) -> dict[str, Any]:
    """A stakeholder's KPI order for the quarter; replacing an earlier one needs `reason` and leaves a change record."""
    _check_metrics(state, body.kpis, "kpis")
    store = store_of(state)
    earlier = [r for r in gather(state.workspace, store, body.period).rankings if r["stakeholder"] == body.stakeholder]
    if earlier and body.reason is None:
        raise HeadwayError(
            f"'{body.stakeholder}' already ranked the KPIs for {body.period}: changing priorities needs a reason",
            "Send `reason` (why the priority changed); it is kept in the quarter's change records.",
            "reason_required",
            422,
        )
    item = Ranking.model_validate(body.model_dump(include={"stakeholder", "person", "kpis"}))
    record = stored.add_ranking(store, body.period, item, body.via)
    out = _row(record)
    if earlier and body.reason is not None:
        before: list[str] = earlier[-1]["kpis"]
        change = ChangeRecord(
            kind=ChangeKind.PRIORITY_CHANGE, who=body.person or body.stakeholder, day=plans.today(state.workspace),
            reason=body.reason, metrics=_moved(before, body.kpis),
            detail=f"{body.stakeholder}: {' > '.join(before)} became {' > '.join(body.kpis)}",
        )  # fmt: skip
        out["change"] = _row(stored.add_change(store, body.period, change, body.via))
    return out


def _moved(before: list[str], after: list[str]) -> list[str]:
    """The KPIs whose rank changed, or that entered or left the ranking."""
    both = dict.fromkeys(before + after)
    return [m for m in both if (m in before) != (m in after) or before.index(m) != after.index(m)]


@router.post("/decisions", status_code=201)
def create_decision(body: DecisionIn, state: State) -> dict[str, Any]:
    """Record a decision of the meeting, tied to the metrics and objectives it concerns."""
    _check_metrics(state, body.metrics, "metrics")
    _check_objectives(state, body.objectives)
    item = Decision.model_validate(body.model_dump(exclude={"period", "via"}))
    return _row(stored.add_decision(store_of(state), body.period, item, body.via))


@router.post("/changes", status_code=201)
def create_change(body: ChangeIn, state: State) -> dict[str, Any]:
    """Record who changed a KPI's priority, added a metric late, or disputed a metric's kind, when and why."""
    _check_metrics(state, body.metrics, "metrics")
    item = ChangeRecord.model_validate(body.model_dump(exclude={"period", "via"}))
    return _row(stored.add_change(store_of(state), body.period, item, body.via))
