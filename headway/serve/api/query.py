"""GET /api/v1/query?metric=a&metric=b: several metrics for one range and grain in one call.

Each metric answers or fails alone: a failure is reported in its slot with the
same error shape as a single failed request, and the others still answer.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from headway.engine import Compare, Failure
from headway.engine import Query as MetricQuery
from headway.serve.api.params import METRIC_ID, By, CurrentActor, From, State, To, Where, known
from headway.serve.errors import error_body, public_message
from headway.spec.models import Grain

router = APIRouter()
Metrics = Annotated[list[Annotated[str, Query(pattern=METRIC_ID, max_length=128)]], Query(min_length=1, max_length=50)]


@router.get("/query")
def query_many(
    state: State,
    actor: CurrentActor,
    metric: Metrics,
    grain: Grain | None = None,
    by: By = [],  # noqa: B006
    start: From = None,
    end: To = None,
    where: Where = None,
    compare: Compare | None = None,
) -> dict[str, Any]:
    """Each metric's rows, in the order asked; `grain` defaults to each metric's own."""
    for metric_id in metric:
        known(state, metric_id)
    ids = list(dict.fromkeys(metric))
    queries = [MetricQuery(m, grain or state.workspace.grain_of(m), tuple(by), start, end, where, compare) for m in ids]
    answers = state.engine.query_many(queries, actor=actor)
    out = []
    for answer in answers:
        if isinstance(answer, Failure):
            err = answer.error
            message = public_message(err.message, state.workspace.root) if err.status >= 500 else err.message
            out.append({"metric": answer.metric, **error_body(err.status, message, hint=err.hint, code=err.code)})
        else:
            out.append({"ok": True, **answer.to_json()})
    return {"results": out}
