"""What every endpoint shares: the server state, the actor asking, bounded metric-query parameters."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from pydantic import BeforeValidator

from headway.engine import Actor, Compare, QueryError
from headway.engine import Query as MetricQuery
from headway.serve.state import ServerState, current_state
from headway.spec.issues import choices_hint
from headway.spec.models import Grain

METRIC_ID = r"^[A-Za-z_][A-Za-z0-9_]*$"
MetricId = Annotated[str, Path(pattern=METRIC_ID, max_length=128)]
State = Annotated[ServerState, Depends(current_state)]


async def get_actor(request: Request) -> Actor:
    """Who is asking. Until access control lands every web request is an anonymous viewer.

    Async (it never blocks) so FastAPI calls it in place instead of on a worker thread.
    """
    state: ServerState = request.app.state.headway
    return state.actor


CurrentActor = Annotated[Actor, Depends(get_actor)]
By = Annotated[list[Annotated[str, Query(max_length=200)]], Query(max_length=6)]
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    """`2026-01-31` only: pydantic alone reads `0` or `86400` as seconds since 1970."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError(f"'{str(value)[:40]}' is not an ISO date; write YYYY-MM-DD, e.g. 2026-01-31")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
From = Annotated[IsoDate | None, Query(alias="from")]
To = Annotated[IsoDate | None, Query(alias="to")]
Where = Annotated[str | None, Query(max_length=4000)]
CiLevel = Annotated[float | None, Query(gt=0, lt=1, description="Confidence level of the intervals, e.g. 0.9.")]


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
    ci: bool = False,
    ci_level: CiLevel = None,
) -> MetricQuery:
    """The query parameters every metric endpoint shares, bounded and checked.

    `ci=true` adds each value's 95% interval and status (and a test of each change);
    `ci_level=0.9` asks for 90% intervals instead (and implies `ci=true`).
    """
    known(state, metric_id)
    chosen = grain or state.workspace.grain_of(metric_id)
    level = 0.95 if ci_level is None else ci_level
    stats = ci or ci_level is not None
    return MetricQuery(metric_id, chosen, tuple(by), start, end, where, compare, stats=stats, level=level)


MetricQueryParams = Annotated[MetricQuery, Depends(metric_query)]
