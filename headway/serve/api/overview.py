"""GET /api/v1/overview: every metric's latest complete value, KPIs first (the `/` page's data)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from headway.engine import Actor
from headway.engine.results import json_value
from headway.serve.api.params import CurrentActor, State
from headway.serve.encoded import Encoded
from headway.serve.errors import public_message
from headway.serve.listing import data_versions
from headway.serve.state import ServerState

router = APIRouter()


@router.get("/overview", response_class=Response, responses={200: {"content": {"application/json": {}}}})
async def overview(request: Request, state: State, actor: CurrentActor) -> Response:
    """Every metric with its latest complete period's value; a metric that fails carries its reason alone.

    A cached overview is answered on the event loop (see `serve/listing.py`); only building a new one
    goes to a worker thread.
    """
    versions = await data_versions(state)
    found = _cached(state, actor, versions)
    if found is None:
        found = await run_in_threadpool(overview_encoded, state, actor, versions)
    return found.response(request)


def overview_encoded(state: ServerState, actor: Actor, versions: tuple[tuple[str, str], ...]) -> Encoded:
    """The overview serialized once per (spec, data versions, policy): later requests list the files and no more.

    The data versions are listed on every request, so a changed file is never answered from the cache.
    Looked up again here: another worker may have built it while this request waited for a thread.
    """
    found = _cached(state, actor, versions)
    if found is None:
        found = Encoded.of(orjson.dumps(overview_json(state, actor, versions)))  # orjson: ~5x FastAPI's encoder
        with state.payloads_lock:
            state.payloads[_key(state, actor, versions)] = found
    return found


def _key(state: ServerState, actor: Actor, versions: tuple[tuple[str, str], ...]) -> tuple[object, ...]:
    return ("overview", state.workspace.spec_hash, versions, actor.policy_key)


def _cached(state: ServerState, actor: Actor, versions: tuple[tuple[str, str], ...]) -> Encoded | None:
    with state.payloads_lock:
        return state.payloads.get(_key(state, actor, versions))


def overview_json(
    state: ServerState, actor: Actor, versions: tuple[tuple[str, str], ...] | None = None
) -> dict[str, Any]:
    ws = state.workspace
    return {
        "workspace": ws.config.name,
        "description": ws.config.description,
        "north_star": ws.config.north_star,
        "engine": state.engine.engine_name,
        "spec_hash": ws.spec_hash,
        "data_through": json_value(state.engine.facts.workspace_through()),
        "metrics": [_public(s.to_json(), ws.root) for s in state.overview.summaries(actor, versions)],
    }


def _public(summary: dict[str, Any], root: Path) -> dict[str, Any]:
    """A summary whose `detail` names the source and the relative file, never a server path or SQL."""
    if summary.get("detail"):
        summary["detail"] = public_message(summary["detail"], root)
    return summary
