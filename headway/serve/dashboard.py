"""The alignment dashboard's routes (issue 14), registered on the app in one call."""

from __future__ import annotations

from fastapi import FastAPI

from headway.serve import (
    annotations_api,
    cards_api,
    dashboards_api,
    initiatives_api,
    meeting_api,
    metric_api,
    page_export,
    pages_meeting,
    pages_metric,
    pages_tree,
    tree_api,
)

ROUTERS = (
    tree_api.router,
    metric_api.router,
    annotations_api.router,
    cards_api.router,
    pages_tree.router,
    pages_metric.router,
    initiatives_api.router,
    meeting_api.router,
    pages_meeting.router,
    dashboards_api.router,
    dashboards_api.pages,
    page_export.router,
)


def install(app: FastAPI) -> None:
    for router in ROUTERS:
        app.include_router(router)
