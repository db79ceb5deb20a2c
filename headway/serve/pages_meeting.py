"""The /initiatives and /meeting pages: shells drawn in the browser from their JSON twins (plans.js)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from headway.serve.pages import templates
from headway.serve.state import get_state

router = APIRouter(include_in_schema=False)


@router.get("/initiatives", response_class=HTMLResponse)
def initiatives_page(request: Request) -> HTMLResponse:
    ws = get_state(request).workspace
    return templates.TemplateResponse(request, "initiatives.html", {"workspace": ws.config.name})


@router.get("/meeting", response_class=HTMLResponse)
def meeting_page(request: Request) -> HTMLResponse:
    ws = get_state(request).workspace
    return templates.TemplateResponse(request, "meeting.html", {"workspace": ws.config.name})
