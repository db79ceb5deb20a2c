"""Webhook receivers (/webhooks/github, /webhooks/gitlab) and GET /api/v1/delivery/status.

A delivery is authenticated on its raw bytes before anything parses it (headway.delivery.receive,
the same decision the demo's replay makes), committed to the inbox, and answered 202; a worker
thread then processes it into the canonical tables.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from headway.delivery import Inbox, Processor
from headway.delivery.receive import Receiver, Refused, accept_github, accept_gitlab
from headway.delivery.signatures import GITHUB_SECRET_ENV, GITLAB_TOKEN_ENV
from headway.serve.errors import ERROR_RESPONSES, ErrorBody, error_body
from headway.spec.library import Library
from headway.spec.workspace import Workspace

log = logging.getLogger("headway.webhooks")
MAX_BODY = 25 * 1024 * 1024  # GitHub caps payloads at 25 MB
WEBHOOK_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    200: {"description": "A redelivery of a delivery already stored (`duplicate: true`)."},
    202: {"description": "Stored durably; processed into the delivery tables shortly after."},
    400: {"model": ErrorBody, "description": "No event name, or a GitLab body that is not JSON."},
    401: {"model": ErrorBody, "description": "The signature (GitHub) or token (GitLab) does not match."},
    413: {"model": ErrorBody, "description": "Larger than 25 MB."},
    503: {"model": ErrorBody, "description": "The secret environment variable is not set."},
}
router = APIRouter(tags=["webhooks"], responses=ERROR_RESPONSES)


class DeliveryWorker:
    """One processor per workspace and a thread that drains the inbox whenever it is woken."""

    def __init__(self, workspace: Workspace):
        inbox = Inbox.for_workspace(workspace.root)
        self.processor = Processor(workspace.root, workspace.config.delivery, inbox, workspace.config.timezone)
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="headway-delivery", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            try:
                self.processor.process_pending()
            except Exception:  # the deliveries stay pending; the next wake retries them
                log.exception("processing deliveries failed")


_workers: dict[int, DeliveryWorker] = {}
_lock = threading.Lock()


def worker(app: Any) -> DeliveryWorker:
    with _lock:
        found = _workers.get(id(app))
        if found is None:
            found = _workers[id(app)] = DeliveryWorker(app.state.headway.workspace)
        return found


def install(app: FastAPI) -> None:
    """Register the receivers; a workspace that includes the delivery library gets its tables now."""
    app.include_router(router)
    ws: Workspace = app.state.headway.workspace
    if Library.DELIVERY in ws.config.include:
        worker(app).processor.ensure_tables()


def _refuse(status: int, message: str, code: str, hint: str = "") -> JSONResponse:
    return JSONResponse(error_body(status, message, code=code, hint=hint), status_code=status)


async def _body(request: Request) -> bytes | JSONResponse:
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_BODY:
        return _refuse(413, "payload larger than 25 MB", "payload_too_large")
    body = await request.body()
    return body if len(body) <= MAX_BODY else _refuse(413, "payload larger than 25 MB", "payload_too_large")


def _accepted(app: Any, provider: str, delivery_id: str, event: str, stored: bool) -> JSONResponse:
    if stored:
        worker(app).wake()
    body = {"ok": True, "provider": provider, "delivery": delivery_id, "event": event, "duplicate": not stored}
    return JSONResponse(body, status_code=202 if stored else 200)


async def _receive(request: Request, provider: str, accept: Receiver, env: str) -> JSONResponse:
    """Read the raw body, let the shared receiver decide (delivery.receive), store what it accepts."""
    body = await _body(request)
    if isinstance(body, JSONResponse):
        return body
    decision = accept(os.environ.get(env, ""), request.headers, body)
    if isinstance(decision, Refused):
        if decision.status == 401:
            ident = request.headers.get("x-github-delivery") or request.headers.get("x-gitlab-event-uuid")
            log.warning("%s delivery %s refused: %s", provider, ident, decision.code)
        return _refuse(decision.status, decision.message, decision.code, decision.hint)
    inbox = worker(request.app).processor.inbox
    received = inbox.receive(provider, decision.delivery_id, decision.event, decision.headers, body)
    return _accepted(request.app, provider, decision.delivery_id, decision.event, received.stored)


@router.post("/webhooks/github", status_code=202, responses=WEBHOOK_RESPONSES)
async def github_webhook(request: Request) -> JSONResponse:
    return await _receive(request, "github", accept_github, GITHUB_SECRET_ENV)


@router.post("/webhooks/gitlab", status_code=202, responses=WEBHOOK_RESPONSES)
async def gitlab_webhook(request: Request) -> JSONResponse:
    return await _receive(request, "gitlab", accept_gitlab, GITLAB_TOKEN_ENV)


@router.get("/api/v1/delivery/status")
def delivery_status(request: Request) -> dict[str, Any]:
    """How many deliveries were received, processed, ignored (unknown events, kept raw), pending, failed."""
    return worker(request.app).processor.inbox.status()
