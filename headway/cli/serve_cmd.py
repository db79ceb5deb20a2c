"""`headway serve`: the API and web UI for one workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from headway.cli.common import WorkspaceOption, console, open_workspace


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", min=1, max=65535, help="Port to listen on.")] = 8000,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Start the server: web page at /, JSON API at /api/v1, OpenAPI schema at /openapi.json."""
    import uvicorn

    from headway.serve import create_app

    ws = open_workspace(workspace)
    console.print(
        f"Serving [bold]{ws.config.name}[/] ({len(ws.metrics)} metrics, {ws.config.engine.value}) "
        f"on http://{host}:{port}",
        highlight=False,
    )
    uvicorn.run(create_app(ws), host=host, port=port, log_level="info")
