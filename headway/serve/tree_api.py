"""GET /api/v1/tree: the metric tree with the evidence grade of every link (the data behind /tree)."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from headway.analysis.alignment import Filter
from headway.analysis.tree_cache import cached_tree_report
from headway.engine import QueryError
from headway.serve.api.params import CurrentActor
from headway.serve.errors import ERROR_RESPONSES
from headway.serve.state import ServerState, current_state

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERROR_RESPONSES)
State = Annotated[ServerState, Depends(current_state)]
Dimension = Annotated[str | None, Query(max_length=200, pattern=r"^[A-Za-z_][A-Za-z0-9_.]*$")]
Value = Annotated[str | None, Query(max_length=200)]


@router.get("/tree", response_model=None)
def metric_tree(state: State, actor: CurrentActor, dimension: Dimension = None, value: Value = None) -> Response:
    """Nodes, `contributes_to` links each with its evidence, counter-metrics and misalignments.

    `dimension` and `value` grade every link on one dimension value (links whose two metrics
    do not share the dimension stay hypotheses).
    """
    where = tree_filter(dimension, value)
    # JSON-ready already: orjson writes it several times faster than FastAPI's encoder
    return Response(orjson.dumps(cached_tree_report(state.engine, where, actor=actor)), media_type="application/json")


def tree_filter(dimension: str | None, value: str | None) -> Filter | None:
    """`?dimension=&value=` as the tree's filter: both or neither."""
    if (dimension is None) != (value is None):
        raise QueryError("dimension and value go together", "Give both, e.g. ?dimension=plan&value=pro.")
    return Filter(dimension, value) if dimension is not None and value is not None else None
