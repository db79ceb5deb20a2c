"""The metric catalogue: GET /api/v1/metrics and /api/v1/metrics/{id}, its values and its SQL."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Query

from headway.analysis.uncertainty import with_uncertainty
from headway.engine.access import check_access
from headway.serve.api.params import CurrentActor, MetricId, MetricQueryParams, State, known
from headway.serve.state import ServerState
from headway.spec.describe import describe
from headway.spec.graph import available_dimensions

router = APIRouter()


@router.get("/metrics")
def list_metrics(state: State) -> dict[str, Any]:
    return {"metrics": [metric_json(state, m) for m in state.workspace.metrics]}


@router.get("/metrics/{metric_id}")
def get_metric(metric_id: MetricId, state: State) -> dict[str, Any]:
    known(state, metric_id)
    return metric_json(state, metric_id)


def metric_json(state: ServerState, metric_id: str) -> dict[str, Any]:
    """A definition (never values): readable by anyone, restricted metrics included, like the YAML in git."""
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


MAX_PAGE = 10_000


@router.get("/metrics/{metric_id}/query")
def query_metric(
    q: MetricQueryParams,
    state: State,
    actor: CurrentActor,
    limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE)] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """The metric per period: the same JSON as `headway query --format json`.

    `limit` and `offset` page through a large answer (computed once, then served from the
    cache page by page); the body then says `total_rows` and the `next_offset` to ask for.
    """
    started = time.perf_counter()
    result = state.engine.query(q, actor=actor)
    if q.stats:
        result = with_uncertainty(result, state.workspace.metrics[q.metric], q.level)
    if state.recorder is not None:
        state.recorder.query_answered(q, result, time.perf_counter() - started)
    body = result.to_json() if limit is None else page(result.to_json(), offset, limit)
    return body


def page(body: dict[str, Any], offset: int, limit: int) -> dict[str, Any]:
    rows = body["rows"]
    following = offset + limit if offset + limit < len(rows) else None
    return {
        **body,
        "rows": rows[offset : offset + limit],
        "total_rows": len(rows),
        "offset": offset,
        "next_offset": following,
    }


@router.get("/metrics/{metric_id}/sql")
def metric_sql(
    q: MetricQueryParams,
    state: State,
    actor: CurrentActor,
    engine: Annotated[str | None, Query(pattern="^(duckdb|spark)$")] = None,
) -> dict[str, Any]:
    check_access(state.workspace, actor, q.metric)
    return {
        "metric": q.metric,
        "engine": engine or state.engine.engine_name,
        "sql": state.engine.sql(q, engine, actor=actor),
    }
