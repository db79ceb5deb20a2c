"""The JSON API (/api/v1). Every web page renders from one of these endpoints' data."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from headway import __version__
from headway.analysis import summarize_all
from headway.engine import Compare, QueryError
from headway.engine import Query as MetricQuery
from headway.serve.errors import ERROR_RESPONSES, public_message
from headway.serve.params import IsoDate
from headway.serve.state import ServerState, get_state
from headway.spec.describe import describe
from headway.spec.graph import available_dimensions
from headway.spec.models import Grain

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERROR_RESPONSES)
MetricId = Annotated[str, Path(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=128)]
State = Annotated[ServerState, Depends(get_state)]


@router.get("/health")
def health(state: State) -> dict[str, Any]:
    ws = state.workspace
    return {
        "ok": True,
        "version": __version__,
        "workspace": ws.config.name,
        "engine": state.engine.engine_name,
        "spec_hash": ws.spec_hash,
        "metrics": len(ws.metrics),
    }


@router.get("/overview")
def overview(state: State) -> dict[str, Any]:
    """Every metric with its latest complete period's value, KPIs first."""
    ws = state.workspace
    return {
        "workspace": ws.config.name,
        "description": ws.config.description,
        "north_star": ws.config.north_star,
        "engine": state.engine.engine_name,
        "spec_hash": ws.spec_hash,
        "metrics": [_public(s.to_json(), ws.root) for s in summarize_all(state.engine)],
    }


@router.get("/metrics")
def list_metrics(state: State) -> dict[str, Any]:
    return {"metrics": [metric_json(state, m) for m in state.workspace.metrics]}


@router.get("/metrics/{metric_id}")
def get_metric(metric_id: MetricId, state: State) -> dict[str, Any]:
    _known(state, metric_id)
    return metric_json(state, metric_id)


def metric_json(state: ServerState, metric_id: str) -> dict[str, Any]:
    ws = state.workspace
    metric = ws.metrics[metric_id]
    body = metric.model_dump(mode="json", exclude_none=True)
    body.update(
        {
            "computed_as": describe(metric),
            "defined_at": ws.where(metric_id),
            "available_dimensions": available_dimensions(ws.metrics, metric_id),
        }
    )
    return body


def metric_query(
    metric_id: MetricId,
    state: State,
    grain: Grain | None = None,
    by: Annotated[list[Annotated[str, Query(max_length=200)]], Query(max_length=6)] = [],  # noqa: B006
    start: Annotated[IsoDate | None, Query(alias="from")] = None,
    end: Annotated[IsoDate | None, Query(alias="to")] = None,
    where: Annotated[str | None, Query(max_length=4000)] = None,
    compare: Compare | None = None,
) -> MetricQuery:
    """The query parameters every metric endpoint shares, bounded and checked."""
    _known(state, metric_id)
    chosen = grain or state.workspace.grain_of(metric_id)
    return MetricQuery(metric_id, chosen, tuple(by), start, end, where, compare)


MetricQueryParams = Annotated[MetricQuery, Depends(metric_query)]


@router.get("/metrics/{metric_id}/query")
def query_metric(q: MetricQueryParams, state: State) -> dict[str, Any]:
    """The metric per period: the same JSON as `headway query --format json`."""
    started = time.perf_counter()
    result = state.engine.query(q)
    if state.recorder is not None:
        state.recorder.query_answered(q, result, time.perf_counter() - started)
    return result.to_json()


@router.get("/metrics/{metric_id}/sql")
def metric_sql(
    q: MetricQueryParams, state: State, engine: Annotated[str | None, Query(pattern="^(duckdb|spark)$")] = None
) -> dict[str, Any]:
    return {"metric": q.metric, "engine": engine or state.engine.engine_name, "sql": state.engine.sql(q, engine)}


def _public(summary: dict[str, Any], root: Any) -> dict[str, Any]:
    """A summary whose `reason` names the source and the relative file, never a server path or SQL."""
    if summary.get("reason"):
        summary["reason"] = public_message(summary["reason"], root)
    return summary


def _known(state: ServerState, metric_id: str) -> None:
    if metric_id not in state.workspace.metrics:
        from headway.spec.issues import choices_hint

        raise QueryError(
            f"unknown metric '{metric_id}'",
            choices_hint(metric_id, state.workspace.metrics, "a metric id"),
            code="unknown_metric",
        )
