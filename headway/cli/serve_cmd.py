"""`headway serve`: the API and web UI for one workspace."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from headway.cli.common import Exit, WorkspaceOption, console, errors, fail, open_workspace

NO_ACCESS_CONTROL = (
    "[bold red]warning:[/] serving on {host}, beyond this machine, and Headway has no access control yet: "
    "anyone who can reach port {port} can read every metric, definition and the SQL behind them. "
    "Put it behind a proxy that authenticates, or serve on 127.0.0.1."
)


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", min=1, max=65535, help="Port to listen on.")] = 8000,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="A Host: name the server answers besides loopback (repeatable; *.example.com or * for any).",
        ),
    ] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Start the server: web page at /, JSON API at /api/v1, OpenAPI schema at /openapi.json."""
    import uvicorn

    from headway.serve import create_app
    from headway.serve.security import is_loopback, json_http_protocol
    from headway.store import STATE_URL_ENV, StateError, StateStore, state_url

    ws = open_workspace(workspace)
    store = None
    if os.environ.get(STATE_URL_ENV, "").strip():  # asked for by name: fail now, not inside the server
        try:
            store = StateStore.open(state_url(ws.root))
        except StateError as error:
            fail(error.message, Exit.FAILED, error.hint)
    hosts = list(allowed_host or [])
    if not is_loopback(host):
        errors.print(NO_ACCESS_CONTROL.format(host=host, port=port), highlight=False, soft_wrap=True)
        if not hosts:
            errors.print(
                "[yellow]note:[/] only requests for localhost/127.0.0.1 are answered; pass "
                "--allowed-host NAME for each name clients use (--allowed-host '*' for any).",
                highlight=False,
                soft_wrap=True,
            )
    console.print(
        f"Serving [bold]{ws.config.name}[/] ({len(ws.metrics)} metrics, {ws.config.engine.value}) "
        f"on http://{host}:{port}",
        highlight=False,
    )
    app = create_app(ws, state=store, allowed_hosts=hosts)
    uvicorn.run(app, host=host, port=port, log_level="info", http=json_http_protocol())
