"""The /metrics/{id} page (a shell drawn by metric.js from the JSON twin) and Plotly's script from its package."""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from headway.serve.pages import templates
from headway.serve.state import get_state
from headway.spec.issues import choices_hint

router = APIRouter(include_in_schema=False)
PLOTLY = files("plotly") / "package_data" / "plotly.min.js"


@router.get("/metrics/{metric_id}", response_class=HTMLResponse)
def metric_page(request: Request, metric_id: str) -> HTMLResponse:
    ws = get_state(request).workspace
    if metric_id not in ws.metrics:
        hint = choices_hint(metric_id, ws.metrics, "a metric id")
        return templates.TemplateResponse(
            request, "missing.html", {"workspace": ws.config.name, "what": metric_id, "hint": hint}, status_code=404
        )
    metric = ws.metrics[metric_id]
    return templates.TemplateResponse(
        request, "metric.html", {"workspace": ws.config.name, "metric_id": metric_id, "name": metric.label}
    )


@router.get("/vendor/plotly.min.js")
def plotly_js() -> FileResponse:
    """Plotly.js from the installed Python package: the server works offline, with no CDN."""
    return FileResponse(str(PLOTLY), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})
