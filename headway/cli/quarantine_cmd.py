"""`headway quarantine`: what the tracking API and imports refused, and replaying it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from headway.cli.common import Exit, WorkspaceOption, console, escape, fail, open_workspace
from headway.cli.tables import wide

app = typer.Typer(help="Refused events: list them, show one, replay them.", no_args_is_help=True)


@app.command("list")
def list_(
    reason: Annotated[str | None, typer.Option("--reason", help="Only this reason (e.g. missing_id).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100_000, help="At most this many, newest first.")] = 50,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """List quarantined payloads, newest first, with a count per reason."""
    from headway.ingest.compactor import Compactor
    from headway.ingest.quarantine import counts, entries

    ws = open_workspace(workspace)
    compactor = Compactor(ws.root, ws.config.ingest)
    try:
        items, by_reason = entries(compactor, reason, limit), counts(compactor)
    finally:
        compactor.close()
    from rich.table import Table  # loaded when the command runs, not for --help

    table = Table("id", "received", "source", "reason", "detail", "replayed")
    for item in items:
        table.add_row(
            str(item.id),
            item.received_at[:19],
            escape(item.source),
            item.reason,
            escape(item.detail[:80]),
            (item.replayed_at or "")[:19],
        )
    wide(console).print(table)
    summary = ", ".join(f"{r}: {n}" for r, n in sorted(by_reason.items())) or "nothing"
    console.print(f"waiting for replay: {summary}", highlight=False, markup=False)


@app.command()
def show(
    entry_id: Annotated[int, typer.Argument(help="Id from `headway quarantine list`.")],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Print one quarantined payload as JSON (reason, detail and the raw payload)."""
    from headway.ingest.compactor import Compactor
    from headway.ingest.quarantine import entry

    ws = open_workspace(workspace)
    compactor = Compactor(ws.root, ws.config.ingest)
    try:
        item = entry(compactor, entry_id)
    finally:
        compactor.close()
    if item is None:
        fail(f"no quarantine entry {entry_id}", Exit.INVALID, "See `headway quarantine list`.")
    console.print_json(json.dumps(item.as_json(), ensure_ascii=False))


@app.command()
def replay(
    entry_ids: Annotated[
        list[int] | None, typer.Argument(help="Ids to replay; none means every one not replayed.")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Only entries with this reason.")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Record as this source (for bad-key bodies).")] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Validate quarantined payloads again; what passes is ingested, what fails is quarantined anew."""
    from headway.ingest.compactor import Compactor
    from headway.ingest.quarantine import entries, entry, unattributed
    from headway.ingest.quarantine import replay as run_replay

    ws = open_workspace(workspace)
    compactor = Compactor(ws.root, ws.config.ingest)
    try:
        if entry_ids:
            found = [entry(compactor, i) for i in entry_ids]
            missing = [i for i, e in zip(entry_ids, found, strict=True) if e is None]
            if missing:
                fail(f"no quarantine entry {missing[0]}", Exit.INVALID, "See `headway quarantine list`.")
            items = [e for e in found if e is not None]
        else:
            items = entries(compactor, reason, 1_000_000, pending=True)
    finally:
        compactor.close()
    waiting = unattributed(items, source)
    result = run_replay(ws.root, ws.config.ingest, items, source)
    again = ", ".join(f"{r}: {n}" for r, n in sorted(result.quarantined.items())) or "none"
    done = len(items) - len(waiting)
    console.print(
        f"replayed {done} entr{'y' if done == 1 else 'ies'}: {result.accepted} event(s) accepted, "
        f"{result.duplicates} duplicate(s), quarantined again: {again}",
        highlight=False,
    )
    if waiting:
        ids = ", ".join(str(item.id) for item in waiting[:10]) + (", ..." if len(waiting) > 10 else "")
        console.print(
            f"left waiting: {len(waiting)} bod{'y' if len(waiting) == 1 else 'ies'} sent with a bad write key ({ids}); "
            "replay them with --source NAME to say which source they belong to",
            highlight=False,
            markup=False,
        )
