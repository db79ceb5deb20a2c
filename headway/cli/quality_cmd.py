"""`headway quality`: per source and day, what the event pipeline accepted, dropped and refused."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from headway.cli.common import Format, FormatOption, WorkspaceOption, console, escape, open_workspace
from headway.cli.tables import wide


def quality(
    days: Annotated[int, typer.Option("--days", min=1, max=36500, help="How many days back.")] = 14,
    output: FormatOption = Format.TABLE,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Events per source and day: accepted, duplicates, quarantined by reason, late, skewed, resolved, lag."""
    from headway.ingest.compactor import Compactor
    from headway.ingest.quality import report

    ws = open_workspace(workspace)
    compactor = Compactor(ws.root, ws.config.ingest)
    try:
        rows = report(ws.root, compactor, dt.datetime.now(dt.UTC).date() - dt.timedelta(days=days))
    finally:
        compactor.close()
    if output is Format.JSON:
        console.print_json(json.dumps({"rows": rows}, ensure_ascii=False))
        return
    from rich.table import Table  # loaded when the command runs, not for --help

    table = Table("day", "source", "accepted", "duplicates", "quarantined", "late", "skewed", "anon resolved", "lag s")
    for r in rows:
        quarantined = ", ".join(f"{k} {v}" for k, v in sorted(r["quarantined"].items())) or "0"
        share = "" if r["anonymous_resolved_share"] is None else f"{r['anonymous_resolved_share']:.0%}"
        lag = "" if r["lag_s_mean"] is None else f"{r['lag_s_mean']:.2f}"
        table.add_row(
            r["day"],
            escape(r["source"]),
            f"{r['accepted']:,}",
            f"{r['duplicates']:,}",
            quarantined,
            f"{r['late']:,}",
            f"{r['skewed']:,}",
            share,
            lag,
        )
    wide(console).print(table)
