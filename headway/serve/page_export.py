"""The overview and the metric tree, each as one HTML file that opens offline (`/export/*.html`, `headway export`).

The inlined JSON is what `/api/v1/cards` and `/api/v1/tree` answer for the same actor, and the
page scripts are the server's own overview.js and tree.js (see `offline.offline_page`); the CLI
and the download links on `/` and `/tree` call the same two functions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from headway.analysis.alignment import Filter
from headway.engine import Actor, Engine
from headway.serve.api.params import CurrentActor
from headway.serve.offline import offline_page
from headway.serve.state import get_state
from headway.serve.tree_api import Dimension, Value, tree_filter

router = APIRouter(include_in_schema=False)


def overview_html(engine: Engine, actor: Actor, now: dt.datetime | None = None) -> str:
    """The overview's cards (north star and KPIs, delivery, health) as the viewer may see them."""
    from headway.analysis.cards import overview_cards

    config = engine.workspace.config
    data: dict[str, Any] = {"workspace": config.name, **overview_cards(engine, actor=actor)}
    return offline_page(
        "overview_static.html",
        data,
        css=("style.css", "overview.css"),
        scripts=("common.js", "card-tests.js", "overview.js"),
        now=now,
        workspace=config.name,
        description=config.description,
    )


def tree_html(engine: Engine, actor: Actor, where: Filter | None = None, now: dt.datetime | None = None) -> str:
    """The metric tree with every link's evidence grade, optionally graded on one dimension value."""
    from headway.analysis.tree_cache import cached_tree_report

    report = cached_tree_report(engine, where, actor=actor)
    name = engine.workspace.config.name
    return offline_page("tree.html", report, css=("style.css", "tree.css"), scripts=("tree.js",), now=now,
                        offline=True, workspace=name)  # fmt: skip


def _download(html: str, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(html, media_type="text/html; charset=utf-8", headers=headers)


@router.get("/export/overview.html")
def export_overview(request: Request, actor: CurrentActor) -> Response:
    """The overview's cards as one offline HTML file."""
    engine = get_state(request).engine
    return _download(overview_html(engine, actor), f"{engine.workspace.config.name}-overview.html")


@router.get("/export/tree.html")
def export_tree(request: Request, actor: CurrentActor, dimension: Dimension = None, value: Value = None) -> Response:
    """The metric tree as one offline HTML file; `dimension`/`value` as on /api/v1/tree."""
    engine = get_state(request).engine
    html = tree_html(engine, actor, tree_filter(dimension, value))
    return _download(html, f"{engine.workspace.config.name}-tree.html")
