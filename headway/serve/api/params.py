"""What every endpoint shares: the server state, the actor asking, bounded metric-query parameters."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Path, Query, Request

from headway.engine import Actor, Compare, QueryError
from headway.engine import Query as MetricQuery
from headway.serve.state import ServerState, get_state
from headway.spec.issues import choices_hint
from headway.spec.models import Grain

METRIC_ID = r"^[A-Za-z_][A-Za-z0-9_]*$"
MetricId = Annotated[str, Path(pattern=METRIC_ID, max_length=128)]
State = Annotated[ServerState, Depends(get_state)]


def get_actor(request: Request) -> Actor:
    """Who is asking. Until access control lands every web request is an anonymous viewer."""
    state: ServerState = request.app.state.headway
    return state.actor


CurrentActor = Annotated[Actor, Depends(get_actor)]
By = Annotated[list[Annotated[str, Query(max_length=200)]], Query(max_length=6)]
From = Annotated[dt.date | None, Query(alias="from")]
To = Annotated[dt.date | None, Query(alias="to")]
Where = Annotated[str | None, Query(max_length=4000)]


def known(state: ServerState, metric_id: str) -> None:
    if metric_id not in state.workspace.metrics:
        raise QueryError(
            f"unknown metric '{metric_id}'",
            choices_hint(metric_id, state.workspace.metrics, "a metric id"),
            code="unknown_metric",
        )


def metric_query(
    metric_id: MetricId,
    state: State,
    grain: Grain | None = None,
    by: By = [],  # noqa: B006
    start: From = None,
    end: To = None,
    where: Where = None,
    compare: Compare | None = None,
) -> MetricQuery:
    """The query parameters every metric endpoint shares, bounded and checked."""
    known(state, metric_id)
    chosen = grain or state.workspace.grain_of(metric_id)
    return MetricQuery(metric_id, chosen, tuple(by), start, end, where, compare)


MetricQueryParams = Annotated[MetricQuery, Depends(metric_query)]
