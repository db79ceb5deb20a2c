"""GET /api/v1/metrics/{id}/view: everything the metric page shows, as one JSON document."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BeforeValidator

from headway.analysis.metric_view import MAX_FILTERS, View, links_of, metric_view, parse_filter
from headway.engine import Compare
from headway.serve import annotations_api
from headway.serve.api.metrics import get_metric
from headway.serve.api.params import CurrentActor
from headway.serve.errors import ERROR_RESPONSES
from headway.serve.state import ServerState, current_state
from headway.spec.annotations import iso_day
from headway.spec.models import Grain

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERROR_RESPONSES)
State = Annotated[ServerState, Depends(current_state)]
MetricId = Annotated[str, Path(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=128)]
Filters = Annotated[list[Annotated[str, Query(max_length=400)]], Query(alias="filter", max_length=MAX_FILTERS)]


@router.get("/metrics/{metric_id}/view")
def metric_page_data(
    metric_id: MetricId,
    state: State,
    actor: CurrentActor,
    grain: Grain | None = None,
    start: Annotated[dt.date | None, BeforeValidator(iso_day), Query(alias="from")] = None,
    end: Annotated[dt.date | None, BeforeValidator(iso_day), Query(alias="to")] = None,
    by: Annotated[str | None, Query(max_length=200)] = None,
    filters: Filters = [],  # noqa: B006
    compare: Compare = Compare.PREVIOUS,
) -> dict[str, Any]:
    """The metric page's data: definition, the series (drilled down and filtered), its SQL, its links.

    `filter=plan=pro` keeps one dimension value (repeatable); `by=region` splits the series.
    """
    definition = get_metric(metric_id, state)
    ws = state.workspace
    metric = ws.metrics[metric_id]
    chosen = View(grain or ws.grain_of(metric_id), start, end, by or None, tuple(map(parse_filter, filters)), compare)
    guards = sorted(m.id for m in ws.metrics.values() if metric_id in m.counter_metrics)
    return {
        "definition": definition,
        "north_star": ws.config.north_star == metric_id,
        "replaced_by": metric.replaced_by,
        "counter_metrics": [_brief(state, m) for m in metric.counter_metrics if m in ws.metrics],
        "guards": [_brief(state, m) for m in guards],
        **links_of(state.engine, metric_id, actor=actor),
        "annotations": annotations_api.notes_for(state, metric_id),
        "view": metric_view(state.engine, metric_id, chosen, actor=actor),
    }


def _brief(state: ServerState, metric_id: str) -> dict[str, Any]:
    m = state.workspace.metrics[metric_id]
    return {"id": m.id, "name": m.label, "kind": m.kind.value, "status": m.status.value}
