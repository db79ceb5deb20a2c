"""HTML pages. Each renders the data of a JSON endpoint; none builds SQL or computes numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from headway.review.formats import format_change, format_value
from headway.serve import api
from headway.serve.state import get_state

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(include_in_schema=False)
KIND_TITLES = {
    "kpi": "KPIs — outcomes we push or protect",
    "delivery": "Delivery — how fast and how safely we ship",
    "counter": "Counter-metrics — what must not get worse",
    "health": "Health — numbers we protect",
    "input": "Inputs — what the KPIs are built from",
}


templates.env.filters["value"] = format_value
templates.env.filters["change"] = format_change


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    state = get_state(request)
    data = api.overview_json(state, state.actor)
    groups: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KIND_TITLES}
    for metric in data["metrics"]:
        groups[metric["kind"]].append(metric)
    return templates.TemplateResponse(
        request,
        "index.html",
        {"data": data, "groups": groups, "titles": KIND_TITLES},
    )
