"""The JSON API (/api/v1), one module per noun. Every web page renders from one of these endpoints' data."""

from __future__ import annotations

from fastapi import APIRouter

from headway.serve.api import health, metrics, overview, query
from headway.serve.api.metrics import metric_json
from headway.serve.api.overview import overview_json
from headway.serve.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERROR_RESPONSES)
for module in (health, overview, metrics, query):
    router.include_router(module.router)

__all__ = ["metric_json", "overview_json", "router"]
