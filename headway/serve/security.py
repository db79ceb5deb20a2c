"""The server's posture toward the browser and the network, as one ASGI middleware.

- **Trusted hosts.** A request whose `Host:` is not on the list is refused, so a web page on another
  site cannot read the API through DNS rebinding. Loopback names by default; `--allowed-host` adds more.
- **Security headers** on every answer: a Content-Security-Policy that allows the pages' own
  scripts and styles (Plotly draws with inline styles and data: images), no framing, no sniffing.
- **HEAD** is answered wherever GET is: the same status and headers, no body.
- **Long request targets** are refused in the JSON error shape before any route sees them.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable, Sequence
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
MAX_TARGET_BYTES = 65536  # path + query; a 4,000-character --where of non-ASCII text encodes to 48 KB
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # Plotly sets style attributes and injects its own <style>
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


def is_loopback(host: str) -> bool:
    """True for names and addresses that only this machine can reach."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """`example.com:8000` -> `example.com`; `[::1]:8000` -> `::1`."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class HostPolicy:
    """Which `Host:` names the server answers: exact names, `*.suffix` patterns, or `*` for any."""

    def __init__(self, allowed: Iterable[str] = ()):
        names = [host_name(h) if h != "*" else h for h in allowed]
        self.any = "*" in names
        self.names = {n for n in [*LOOPBACK_HOSTS, *names] if not n.startswith("*")}
        self.suffixes = tuple(n[1:] for n in names if n.startswith("*."))

    def allows(self, header: str | None) -> bool:
        if self.any:
            return True
        if not header:
            return False
        name = host_name(header)
        return name in self.names or bool(self.suffixes and name.endswith(self.suffixes))


class Posture:
    """ASGI middleware: trusted hosts, security headers, HEAD as GET without a body, bounded targets."""

    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str] = ()):
        self.app = app
        self.hosts = HostPolicy(allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = _header(scope, b"host")
        if not self.hosts.allows(host):
            await _refuse(
                send,
                400,
                "untrusted_host",
                f"this server does not answer for host '{(host or '')[:100]}'",
                "Open it by the name it was started for, or restart it with --allowed-host NAME.",
            )
            return
        target = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string") or b"")
        if target > MAX_TARGET_BYTES:
            await _refuse(
                send,
                414,
                "uri_too_long",
                f"the request target is {target} bytes; the limit is {MAX_TARGET_BYTES}",
                "Shorten the query (a --where is at most 4000 characters).",
            )
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def _refuse(send: Send, status: int, code: str, message: str, hint: str) -> None:
    body: dict[str, Any] = {"ok": False, "status": status, "error": message, "hint": hint, "code": code, "errors": []}
    payload = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": [*headers, *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": payload})


def json_http_protocol() -> type:
    """uvicorn's h11 protocol, answering requests it cannot parse (e.g. a request line over its
    limit) in the JSON error shape instead of plain text. Those never reach the app, so this is the
    only place to shape them; it overrides the one method uvicorn uses for them."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class JsonErrorH11Protocol(H11Protocol):
        def send_400_response(self, msg: str) -> None:
            body = {"ok": False, "status": 400, "error": msg.rstrip("."), "code": "bad_http_request", "errors": []}
            body["hint"] = "The request could not be read as HTTP; a request line or header may be too long."
            payload = json.dumps(body).encode()
            headers = [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
                *SECURITY_HEADERS,
            ]
            for event in (
                h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
                h11.Data(data=payload),
                h11.EndOfMessage(),
            ):
                self.transport.write(self.conn.send(event) or b"")
            self.transport.close()

    return JsonErrorH11Protocol
