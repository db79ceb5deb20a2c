"""Signed acknowledgement links: anyone holding the link may acknowledge that one incident.

The signature is an HMAC of the incident id under a secret from HEADWAY_ALERT_SECRET, or one
generated once and kept in `<workspace>/.headway/alert_secret` (readable by its owner only).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

SECRET_ENV = "HEADWAY_ALERT_SECRET"
BASE_URL_ENV = "HEADWAY_BASE_URL"


def alert_secret(workspace_root: Path, env: Mapping[str, str] | None = None) -> bytes:
    env = os.environ if env is None else env
    if env.get(SECRET_ENV):
        return env[SECRET_ENV].encode()
    path = workspace_root / ".headway" / "alert_secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip().encode()


def base_url(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    return env.get(BASE_URL_ENV, "http://127.0.0.1:8000").rstrip("/")


def sign(secret: bytes, incident_id: int) -> str:
    return hmac.new(secret, f"ack:{incident_id}".encode(), hashlib.sha256).hexdigest()[:32]


def verify(secret: bytes, incident_id: int, token: str) -> bool:
    return hmac.compare_digest(sign(secret, incident_id).encode(), token.encode("utf-8", "surrogatepass"))


def ack_url(base: str, secret: bytes, incident_id: int) -> str:
    return f"{base}/api/v1/alerts/{incident_id}/ack?token={quote(sign(secret, incident_id))}"
