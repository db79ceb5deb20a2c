"""The receivers' decision, shared by `POST /webhooks/{github,gitlab}` and the replay of captured deliveries.

One function per provider takes the secret, the request headers and the raw body bytes and
answers either what to store (the delivery id to dedupe on, the event name, the headers worth
keeping) or why to refuse (the HTTP status, message and code the endpoint answers). Nothing is
parsed before the signature or token is checked. The demo replays its history through these same
functions, so its numbers come from the path a live delivery takes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from headway.delivery.signatures import GITHUB_SECRET_ENV, GITLAB_TOKEN_ENV, github_valid, gitlab_valid

MAX_ID = 200  # delivery ids and event names are UUIDs and short words; anything longer is not from a provider


@dataclass(frozen=True)
class Accepted:
    delivery_id: str
    event: str
    headers: dict[str, str]  # the provider's own headers, never the secret


@dataclass(frozen=True)
class Refused:
    status: int
    message: str
    code: str
    hint: str = ""


# (secret, request headers, raw body) -> the decision; one per provider
Receiver = Callable[[str, Mapping[str, str], bytes], "Accepted | Refused"]


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def _body_id(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def accept_github(secret: str, headers: Mapping[str, str], body: bytes) -> Accepted | Refused:
    """X-Hub-Signature-256 over the exact body bytes first; then the event and the id to dedupe on."""
    sent = _lower(headers)
    if not secret:
        return Refused(503, "GitHub webhooks are not configured", "not_configured", f"Set {GITHUB_SECRET_ENV}.")
    if not github_valid(secret, body, sent.get("x-hub-signature-256")):
        hint = f"Set the webhook's secret to the value of {GITHUB_SECRET_ENV} on this server."
        return Refused(401, "X-Hub-Signature-256 does not match the body", "bad_signature", hint)
    event = sent.get("x-github-event", "")
    if not event:
        return Refused(400, "no X-GitHub-Event header", "missing_event")
    delivery_id = sent.get("x-github-delivery") or _body_id(body)
    if len(event) > MAX_ID or len(delivery_id) > MAX_ID:
        return Refused(400, f"X-GitHub-Event and X-GitHub-Delivery are limited to {MAX_ID} characters", "bad_header")
    kept = {k: v for k, v in sent.items() if k.startswith("x-github") or k == "content-type"}
    return Accepted(delivery_id, event, kept)


def accept_gitlab(token: str, headers: Mapping[str, str], body: bytes) -> Accepted | Refused:
    """X-Gitlab-Token first (GitLab signs nothing); then `object_kind` and Idempotency-Key / event UUID."""
    sent = _lower(headers)
    if not token:
        return Refused(503, "GitLab webhooks are not configured", "not_configured", f"Set {GITLAB_TOKEN_ENV}.")
    if not gitlab_valid(token, sent.get("x-gitlab-token")):
        hint = f"Set the webhook's secret token to the value of {GITLAB_TOKEN_ENV} on this server."
        return Refused(401, "X-Gitlab-Token does not match", "bad_token", hint)
    try:
        payload = json.loads(body)
    except ValueError:
        return Refused(400, "the body is not JSON", "bad_json")
    kind = payload.get("object_kind") if isinstance(payload, dict) else None
    if not isinstance(kind, str) or not kind.strip():
        return Refused(400, "the body has no object_kind", "missing_event")
    delivery_id = sent.get("idempotency-key") or sent.get("x-gitlab-event-uuid") or _body_id(body)
    if len(kind.strip()) > MAX_ID or len(delivery_id) > MAX_ID:
        return Refused(400, f"object_kind and Idempotency-Key are limited to {MAX_ID} characters", "bad_header")
    kept = {k: v for k, v in sent.items() if k.startswith("x-gitlab") and k != "x-gitlab-token"}
    return Accepted(delivery_id, kind.strip(), kept)
