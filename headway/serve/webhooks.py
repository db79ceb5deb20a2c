"""Webhook receivers (/webhooks/github, /webhooks/gitlab) and GET /api/v1/delivery/status.

A delivery is authenticated on its raw bytes before anything parses it, committed to the
inbox, and answered 202; a worker thread then processes it into the canonical tables.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from headway.delivery import Inbox, Processor
from headway.delivery.signatures import GITHUB_SECRET_ENV, GITLAB_TOKEN_ENV, github_valid, gitlab_valid
from headway.serve.errors import ERROR_RESPONSES, ErrorBody, error_body
from headway.spec.library import Library
from headway.spec.workspace import Workspace

log = logging.getLogger("headway.webhooks")
MAX_BODY = 25 * 1024 * 1024  # GitHub caps payloads at 25 MB
MAX_ID = 200  # delivery ids and event names are UUIDs and short words; anything longer is not from a provider
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


@router.post("/webhooks/github", status_code=202, responses=WEBHOOK_RESPONSES)
async def github_webhook(request: Request) -> JSONResponse:
    secret = os.environ.get(GITHUB_SECRET_ENV, "")
    if not secret:
        return _refuse(503, "GitHub webhooks are not configured", "not_configured", f"Set {GITHUB_SECRET_ENV}.")
    body = await _body(request)
    if isinstance(body, JSONResponse):
        return body
    if not github_valid(secret, body, request.headers.get("x-hub-signature-256")):
        log.warning("github delivery %s refused: bad signature", request.headers.get("x-github-delivery"))
        return _refuse(401, "X-Hub-Signature-256 does not match the body", "bad_signature")
    event = request.headers.get("x-github-event", "")
    if not event:
        return _refuse(400, "no X-GitHub-Event header", "missing_event")
    delivery_id = request.headers.get("x-github-delivery") or "sha256:" + hashlib.sha256(body).hexdigest()
    if len(event) > MAX_ID or len(delivery_id) > MAX_ID:
        return _refuse(400, f"X-GitHub-Event and X-GitHub-Delivery are limited to {MAX_ID} characters", "bad_header")
    headers = {k: v for k, v in request.headers.items() if k.startswith("x-github") or k == "content-type"}
    received = worker(request.app).processor.inbox.receive("github", delivery_id, event, headers, body)
    return _accepted(request.app, "github", delivery_id, event, received.stored)


@router.post("/webhooks/gitlab", status_code=202, responses=WEBHOOK_RESPONSES)
async def gitlab_webhook(request: Request) -> JSONResponse:
    token = os.environ.get(GITLAB_TOKEN_ENV, "")
    if not token:
        return _refuse(503, "GitLab webhooks are not configured", "not_configured", f"Set {GITLAB_TOKEN_ENV}.")
    if not gitlab_valid(token, request.headers.get("x-gitlab-token")):
        log.warning("gitlab delivery %s refused: bad token", request.headers.get("x-gitlab-event-uuid"))
        return _refuse(401, "X-Gitlab-Token does not match", "bad_token")
    body = await _body(request)
    if isinstance(body, JSONResponse):
        return body
    try:
        payload = json.loads(body)
    except ValueError:
        return _refuse(400, "the body is not JSON", "bad_json")
    kind = payload.get("object_kind") if isinstance(payload, dict) else None
    if not isinstance(kind, str) or not kind.strip():
        return _refuse(400, "the body has no object_kind", "missing_event")
    delivery_id = (
        request.headers.get("idempotency-key")
        or request.headers.get("x-gitlab-event-uuid")
        or "sha256:" + hashlib.sha256(body).hexdigest()
    )
    if len(kind.strip()) > MAX_ID or len(delivery_id) > MAX_ID:
        return _refuse(400, f"object_kind and Idempotency-Key are limited to {MAX_ID} characters", "bad_header")
    headers = {k: v for k, v in request.headers.items() if k.startswith("x-gitlab") and k != "x-gitlab-token"}
    received = worker(request.app).processor.inbox.receive("gitlab", delivery_id, kind.strip(), headers, body)
    return _accepted(request.app, "gitlab", delivery_id, kind.strip(), received.stored)


@router.get("/api/v1/delivery/status")
def delivery_status(request: Request) -> dict[str, Any]:
    """How many deliveries were received, processed, ignored (unknown events, kept raw), pending, failed."""
    return worker(request.app).processor.inbox.status()
