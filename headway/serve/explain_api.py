"""GET /api/v1/metrics/{id}/explain: the rows behind one period's value (the same JSON as `headway explain`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query

from headway.analysis.explain import explain
from headway.analysis.tiers import classify
from headway.serve.api.params import CurrentActor, MetricId, State, known
from headway.serve.errors import ERROR_RESPONSES
from headway.spec.models import Grain

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERROR_RESPONSES)


@router.get("/metrics/{metric_id}/explain")
def explain_metric(
    metric_id: MetricId,
    state: State,
    actor: CurrentActor,
    period: Annotated[
        dt.date, Query(ge=dt.date(1900, 1, 1), le=dt.date(2999, 12, 31), description="Any day of the period.")
    ],
    grain: Grain | None = None,
    by: Annotated[list[Annotated[str, Query(max_length=200)]], Query(max_length=6)] = [],  # noqa: B006
) -> dict[str, Any]:
    """Deployments, changes and incidents behind the value, each link's method, and the unlinked shares."""
    known(state, metric_id)
    return explain(state.engine, metric_id, period, grain, tuple(by), actor=actor)


@router.get("/delivery/tiers")
def delivery_tiers(
    state: State,
    actor: CurrentActor,
    period: Annotated[dt.date, Query(ge=dt.date(1900, 1, 1), le=dt.date(2999, 12, 31))],
    grain: Grain = Grain.MONTH,
    edition: Annotated[str, Query(pattern="^(2021|2023)$")] = "2023",
    by_service: bool = True,
) -> dict[str, Any]:
    """DORA tiers per service for one period, naming the edition and its source (same JSON as `headway tiers`)."""
    return classify(state.engine, period, grain, edition, by_service, actor=actor)
