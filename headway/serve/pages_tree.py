"""The /tree page: a shell that draws GET /api/v1/tree in the browser (tree.js); no numbers are made here."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from headway.serve.pages import templates
from headway.serve.state import get_state

router = APIRouter(include_in_schema=False)


@router.get("/tree", response_class=HTMLResponse)
def tree_page(request: Request) -> HTMLResponse:
    ws = get_state(request).workspace
    return templates.TemplateResponse(request, "tree.html", {"workspace": ws.config.name})
