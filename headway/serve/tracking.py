"""Segment's HTTP tracking API at the server root: /v1/track, /v1/identify, ... /v1/batch.

Any Segment-compatible SDK can point its host here. Authentication is HTTP Basic with a write key
as the user name (empty password), or `writeKey` in the body. A 200 means the events are on disk
(fsync'd); a body that breaks a limit or a rule gets a 400 that names it, and its payload is kept in
quarantine (`headway quarantine list`). Past MAX_IN_FLIGHT waiting requests the answer is 429.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from headway.ingest.ingestor import MAX_IN_FLIGHT, Ingestor
from headway.ingest.messages import CALL_TYPES, MAX_BATCH_BYTES, Received, Rejected
from headway.ingest.service import UNKNOWN_SOURCE, Outcome, accept, decompress, messages_of, now, parse_body
from headway.serve.errors import ErrorBody, error_body
from headway.serve.state import ServerState


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    server: ServerState = app.state.headway
    ws = server.workspace
    # the app's state database (its lifespan runs first and closes it last); None when served read-only
    store = server.recorder.store if server.recorder is not None else None
    if store is None:  # the recorder has said so once: the tracking API answers 503
        app.state.ingestor = None
        yield
        return
    ingestor = Ingestor(ws.root, ws.config.ingest, store)
    ingestor.start()
    app.state.ingestor = ingestor
    try:
        yield
    finally:
        ingestor.close()


def unavailable() -> JSONResponse:
    return _error(
        503,
        "ingestion is off: the state database cannot be opened (the workspace is read-only)",
        "ingest_unavailable",
        "Set HEADWAY_STATE_URL to a writable database and restart `headway serve`.",
    )


class Accepted(BaseModel):
    success: bool
    accepted: int


RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A limit or rule was broken; the refused payload is in quarantine."},
    401: {"model": ErrorBody, "description": "Unknown or revoked write key."},
    429: {"model": ErrorBody, "description": "Too many requests waiting for the disk; retry after Retry-After."},
    500: {"model": ErrorBody, "description": "The server failed; nothing was acknowledged."},
}
router = APIRouter(prefix="/v1", tags=["tracking"], lifespan=lifespan, responses=RESPONSES)


def _error(status: int, message: str, code: str, hint: str = "", errors: list[Any] | None = None) -> JSONResponse:
    headers = {"Retry-After": "1"} if status == 429 else None
    return JSONResponse(error_body(status, message, hint=hint, code=code, errors=errors), status, headers=headers)


def _basic_user(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.split(":", 1)[0]


async def _read(request: Request) -> bytes:
    """The body, refusing one larger than the batch limit before reading it all."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BATCH_BYTES:
        raise Rejected("too_large", f"a request is at most 500 KB ({MAX_BATCH_BYTES} bytes); this one is {declared}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BATCH_BYTES:
            raise Rejected("too_large", f"a request is at most 500 KB ({MAX_BATCH_BYTES} bytes)")
    return bytes(body)


async def _track(request: Request, kind: str) -> JSONResponse:
    ingestor: Ingestor | None = request.app.state.ingestor
    if ingestor is None:
        return unavailable()
    if ingestor.in_flight >= MAX_IN_FLIGHT:
        return _error(
            429, "the server is busy writing; retry shortly", "overloaded", "Retry after the Retry-After delay."
        )
    ingestor.in_flight += 1
    try:
        return await _handle(request, kind, ingestor)
    finally:
        ingestor.in_flight -= 1


async def _handle(request: Request, kind: str, ingestor: Ingestor) -> JSONResponse:
    received = now()
    raw = b""
    key = _basic_user(request)
    source = ingestor.source_for(key) if key else None
    got = Received(source or UNKNOWN_SOURCE, received)
    outcome = Outcome()
    try:
        raw = await _read(request)
        payload = parse_body(decompress(raw, request.headers.get("content-encoding", "")))
        if key is None and isinstance(payload, dict) and isinstance(payload.get("writeKey"), str):
            key = payload["writeKey"]
            source = ingestor.source_for(key) if key else None
            got = Received(source or UNKNOWN_SOURCE, received)
        if source is None:
            outcome.quarantine(got, "bad_write_key", "unknown or revoked write key", raw, kind=kind)
            await ingestor.log.append(bytes(outcome.data))
            hint = "Send a key from `headway keys create --source NAME` as the Basic user name (empty password)."
            return _error(401, "unknown or revoked write key", "bad_write_key", hint)
        messages, sent_at = messages_of(payload, kind)
        got = Received(source, received, sent_at)
        outcome = accept(messages, got, ingestor.settings, kind)
    except Rejected as rejected:
        outcome.quarantine(got, rejected.reason, rejected.detail, raw, kind=kind)
    if outcome.data:
        await ingestor.log.append(bytes(outcome.data))
    if outcome.rejected:
        first = outcome.problems[0]
        message = f"{sum(outcome.rejected.values())} event(s) refused ({first['reason']}: {first['message']})"
        hint = f"{outcome.accepted} accepted; the refused ones are kept in quarantine (`headway quarantine list`)."
        return _error(400, message, first["reason"], hint, outcome.problems[:100])
    return JSONResponse({"success": True, "accepted": outcome.accepted})


def _endpoint(kind: str) -> Any:
    async def endpoint(request: Request) -> JSONResponse:
        return await _track(request, kind)

    endpoint.__name__ = f"tracking_{kind}"
    endpoint.__doc__ = f"Segment `{kind}` call{'s' if kind == 'batch' else ''}: 200 once durably written."
    return endpoint


for _kind in (*CALL_TYPES, "batch"):
    router.add_api_route(
        f"/{_kind}", _endpoint(_kind), methods=["POST"], name=f"tracking_{_kind}", response_model=Accepted
    )
