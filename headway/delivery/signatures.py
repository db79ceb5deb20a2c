"""Webhook authenticity: GitHub's HMAC over the raw body, GitLab's shared token; both in constant time."""

from __future__ import annotations

import hashlib
import hmac

GITHUB_SECRET_ENV = "HEADWAY_GITHUB_WEBHOOK_SECRET"
GITLAB_TOKEN_ENV = "HEADWAY_GITLAB_WEBHOOK_TOKEN"


def github_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def github_valid(secret: str, body: bytes, header: str | None) -> bool:
    """X-Hub-Signature-256 must equal sha256=HMAC-SHA256(secret, exact body bytes)."""
    if not secret or not header:
        return False
    return hmac.compare_digest(github_signature(secret, body).encode(), header.strip().encode("utf-8", "replace"))


def gitlab_valid(token: str, header: str | None) -> bool:
    if not token or header is None:
        return False
    return hmac.compare_digest(token.encode("utf-8"), header.encode("utf-8", "replace"))
