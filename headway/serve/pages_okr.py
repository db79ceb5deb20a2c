"""The /objectives pages: shells drawn by okr.js from the JSON twins in okr_api (no numbers made here)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse

from headway.serve import okr_api
from headway.serve.pages import templates
from headway.serve.state import get_state
from headway.spec.issues import choices_hint

router = APIRouter(include_in_schema=False)


@router.get("/objectives", response_class=HTMLResponse)
def objectives_page(request: Request) -> HTMLResponse:
    ws = get_state(request).workspace
    return templates.TemplateResponse(request, "objectives.html", {"workspace": ws.config.name, "objective_id": ""})


@router.get("/objectives/{objective_id}", response_class=HTMLResponse)
def objective_page(request: Request, objective_id: str) -> HTMLResponse:
    state = get_state(request)
    spec = okr_api.objectives_spec(state)
    name = state.workspace.config.name
    if objective_id not in spec.objectives:
        hint = choices_hint(objective_id, spec.objectives, "an objective id")
        return templates.TemplateResponse(
            request, "objective_missing.html", {"workspace": name, "what": objective_id, "hint": hint}, status_code=404
        )
    context = {"workspace": name, "objective_id": objective_id}
    return templates.TemplateResponse(request, "objectives.html", context)


def install(app: FastAPI) -> None:
    """The OKR API and pages, registered on the app in one call."""
    app.include_router(okr_api.router)
    app.include_router(router)
