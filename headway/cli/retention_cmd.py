"""`headway retention run`: delete raw events older than `raw_retention_days` (identities stay)."""

from __future__ import annotations

from pathlib import Path

import typer

from headway.cli.common import Exit, WorkspaceOption, console, fail, open_workspace

app = typer.Typer(help="Raw event retention (raw_retention_days in headway.yml).", no_args_is_help=True)


@app.command()
def run(workspace: WorkspaceOption = Path(".")) -> None:
    """Delete lake days, quarantine rows and compacted log segments older than raw_retention_days."""
    from headway.ingest.compactor import Compactor
    from headway.ingest.retention import run_retention

    ws = open_workspace(workspace)
    keep = ws.config.raw_retention_days
    if keep is None:
        fail("raw_retention_days is not set in headway.yml", Exit.INVALID, "Add e.g. `raw_retention_days: 395`.")
    compactor = Compactor(ws.root, ws.config.ingest)
    try:
        removed = run_retention(ws.root, compactor, keep)
    finally:
        compactor.close()
    console.print(
        f"removed events before {removed.before}: {removed.events:,} event(s) in {len(removed.days)} day(s), "
        f"{removed.quarantined:,} quarantine row(s), {removed.segments} log segment(s); identities kept",
        highlight=False,
    )
