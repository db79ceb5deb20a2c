"""Dashboards as code on the server: /dashboards, /dashboards/{id}, their JSON twins and their exports.

The numbers come from `analysis.dashboard_view` (one `Engine.query_many` per dashboard, as the
viewer); this module only attaches the timeline notes each chart shows and writes CSV or HTML.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from headway.analysis.dashboard_view import dashboard, dashboard_view, dashboards
from headway.analysis.releases import release_notes
from headway.engine import Actor, Engine, QueryError
from headway.errors import HeadwayError
from headway.serve import annotations_api
from headway.serve.annotations_api import Note
from headway.serve.api.params import CurrentActor
from headway.serve.errors import ERROR_RESPONSES
from headway.serve.pages import templates
from headway.serve.state import ServerState, current_state, get_state
from headway.spec.annotations import applies_to

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERROR_RESPONSES)
pages = APIRouter(include_in_schema=False)
State = Annotated[ServerState, Depends(current_state)]
DashboardId = Annotated[str, PathParam(max_length=128, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
PanelIndex = Annotated[int, PathParam(ge=0, le=99)]


FilterParam = Annotated[list[Annotated[str, Query(max_length=400)]] | None, Query(max_length=5)]


def parse_filters(given: list[str] | None) -> dict[str, str] | None:
    """`["plan=pro"]` as {"plan": "pro"}; None (not given) keeps the dashboard's own; `[""]` clears them."""
    if given is None:
        return None
    out = {}
    for text in given:
        if not text:
            continue
        dimension, sep, value = text.partition("=")
        if not sep or not dimension or not value:
            raise QueryError(f"filter '{text}' is not DIM=VALUE", "For example ?filter=plan=pro.", code="bad_filter")
        out[dimension] = value
    return out


class UnknownPanel(HeadwayError):
    code = "unknown_panel"
    status = 404


@router.get("/dashboards")
def list_dashboards(state: State) -> dict[str, Any]:
    """Every dashboard in `dashboards/*.yml`: id, title, owner, description and where to open it."""
    return {"dashboards": [_summary(b.id, b.title, b.owner, b.description, len(b.panels))
                           for b in dashboards(state.engine).values()]}  # fmt: skip


@router.get("/dashboards/{dashboard_id}", response_model=None)
def get_dashboard(dashboard_id: DashboardId, state: State, actor: CurrentActor, filter: FilterParam = None) -> Response:
    """The dashboard's panels with their rows, as the viewer may see them (restricted panels say so).

    `filter=DIM=VALUE` (repeatable) replaces the dashboard's own filters; a single empty `filter=`
    shows it unfiltered.
    """
    view = dashboard_view(state.engine, dashboard_id, parse_filters(filter), actor=actor)
    body = with_links(attach_notes(state.engine, view, server_notes(state)))
    # the rows are JSON-ready already: orjson writes them in a tenth of the time FastAPI's encoder takes
    return Response(orjson.dumps(body), media_type="application/json")


@router.get("/dashboards/{dashboard_id}/panels/{index}.csv", response_class=Response)
def panel_csv(
    dashboard_id: DashboardId, index: PanelIndex, state: State, actor: CurrentActor, filter: FilterParam = None
) -> Response:
    """One panel's rows as CSV: the same rows as the JSON twin (same `filter`), from the same engine answers."""
    view = dashboard_view(state.engine, dashboard_id, parse_filters(filter), actor=actor)
    text = panel_csv_text(view, index)
    name = f"{dashboard_id}-panel-{index}.csv"
    return Response(
        text, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def panel_csv_text(view: dict[str, Any], index: int) -> str:
    if index >= len(view["panels"]):
        raise UnknownPanel(
            f"dashboard '{view['id']}' has no panel {index}", f"Panels are 0 to {len(view['panels']) - 1}."
        )
    panel = view["panels"][index]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=panel["columns"], extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in panel["rows"]:
        writer.writerow({k: str(v).lower() if isinstance(v, bool) else v for k, v in row.items()})
    return out.getvalue()


def server_notes(state: ServerState) -> list[Note]:
    """YAML, stored and release notes; without a state database, the YAML and release ones."""
    if state.recorder is not None:
        return annotations_api.all_notes(state)
    return spec_notes(state.engine)


def spec_notes(engine: Engine) -> list[Note]:
    """The notes a dashboard shows without a server: annotations/*.yml and delivery releases."""
    from headway.spec.annotations import load_annotations

    ws = engine.workspace
    found, _ = load_annotations(ws.root, ws.metrics)
    notes = [Note(n, f"yaml:{file}:{line}", "yaml") for n, file, line in found]
    notes += [Note(n, key, "delivery") for key, n in release_notes(engine)]
    return sorted(notes, key=lambda n: (n.note.at, str(n.id)))


def attach_notes(engine: Engine, view: dict[str, Any], notes: list[Note]) -> dict[str, Any]:
    """Each line panel gets the notes that concern one of its metrics and fall in its rows' span."""
    metrics = engine.workspace.metrics
    panels = []
    for panel in view["panels"]:
        periods = sorted(str(r["period"]) for r in panel["rows"] if r.get("period"))
        mine: list[dict[str, Any]] = []
        if panel["type"] == "line" and periods:
            ids = [m["id"] for m in panel["metrics"] if m["id"] in metrics]
            mine = [
                n.to_json()
                for n in notes
                if any(applies_to(n.note, metrics[m]) for m in ids)
                and (n.note.until or n.note.at).isoformat() >= periods[0]
                and n.note.at.isoformat() <= periods[-1]
            ]
        panels.append({**panel, "annotations": mine})
    return {**view, "panels": panels}


def with_links(view: dict[str, Any]) -> dict[str, Any]:
    base = f"/api/v1/dashboards/{view['id']}"
    panels = [{**p, "csv": f"{base}/panels/{p['index']}.csv"} for p in view["panels"]]
    return {**view, "panels": panels, "export_html": f"/dashboards/{view['id']}/export.html", "json": base}


def _summary(board_id: str, title: str, owner: str | None, description: str | None, panels: int) -> dict[str, Any]:
    return {
        "id": board_id,
        "title": title,
        "owner": owner,
        "description": description,
        "panels": panels,
        "url": f"/dashboards/{board_id}",
        "json": f"/api/v1/dashboards/{board_id}",
    }


@pages.get("/dashboards", response_class=HTMLResponse)
def dashboards_page(request: Request) -> HTMLResponse:
    state = get_state(request)
    listed = list_dashboards(state)["dashboards"]
    return templates.TemplateResponse(
        request, "dashboards.html", {"workspace": state.workspace.config.name, "boards": listed}
    )


@pages.get("/dashboards/{dashboard_id}", response_class=HTMLResponse)
def dashboard_page(request: Request, dashboard_id: DashboardId) -> HTMLResponse:
    """A shell drawn by dashboard.js from the JSON twin; an unknown id is a 404 page with a suggestion."""
    state = get_state(request)
    try:
        board = dashboard(state.engine, dashboard_id)
    except HeadwayError as error:
        missing = {"workspace": state.workspace.config.name, "what": dashboard_id, "hint": error.hint}
        return templates.TemplateResponse(request, "missing.html", {**missing, "noun": "dashboard"}, status_code=404)
    context: dict[str, Any] = {"workspace": state.workspace.config.name, "board": board}
    return templates.TemplateResponse(request, "dashboard.html", context)


@pages.get("/dashboards/{dashboard_id}/export.html")
def dashboard_export(
    request: Request, dashboard_id: DashboardId, actor: CurrentActor, filter: FilterParam = None
) -> Response:
    """The whole dashboard as one offline HTML file: data, Plotly and the page script inlined."""
    from headway.serve.dashboard_export import static_html

    state = get_state(request)
    view = dashboard_html_view(state.engine, dashboard_id, actor, server_notes(state), parse_filters(filter))
    html = static_html(view)
    headers = {"Content-Disposition": f'attachment; filename="{dashboard_id}.html"'}
    return Response(html, media_type="text/html; charset=utf-8", headers=headers)


def dashboard_html_view(
    engine: Engine, dashboard_id: str, actor: Actor, notes: list[Note], filters: dict[str, str] | None = None
) -> dict[str, Any]:
    """The JSON the static export inlines: the twin's data with its notes, without server links."""
    return attach_notes(engine, dashboard_view(engine, dashboard_id, filters, actor=actor), notes)
