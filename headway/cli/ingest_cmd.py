"""`headway ingest FILE --source NAME` imports events; `headway ingest compact` publishes the log now."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from headway.cli.common import Exit, WorkspaceOption, console, escape, fail, open_workspace
from headway.cli.tables import wide


def ingest(
    file: Annotated[str, typer.Argument(help="A .jsonl, .csv or .parquet file, or `compact`.")],
    source: Annotated[str, typer.Option("--source", help="Source name the events are recorded under.")] = "",
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Import FILE through the tracking API's validation, dedupe and quarantine; `compact` only compacts."""
    from headway.ingest.compactor import Compactor
    from headway.ingest.importer import ImportFileError, import_file

    ws = open_workspace(workspace)
    if file == "compact" and not Path(file).exists():
        compactor = Compactor(ws.root, ws.config.ingest)
        try:
            result = compactor.run_pass()
        finally:
            compactor.close()
        console.print(f"compacted {result.segments} log segment(s): {result.accepted:,} event(s) published")
        return
    path = Path(file)
    if not path.is_file():
        fail(f"no such file: {file}", Exit.USAGE)
    if not source.strip():
        fail("--source is required: the name the imported events are recorded under", Exit.USAGE)
    total = path.stat().st_size
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(f"importing {path.name}", total=None if total else 0)
        try:
            result = import_file(ws.root, path, source.strip(), ws.config.ingest, lambda n: bar.advance(task, n))
        except ImportFileError as error:
            fail(str(error), Exit.FAILED)
    from rich.table import Table  # loaded when the command runs, not for --help

    table = Table("outcome", "events", title=escape(f"{path.name} → source '{source.strip()}'"))
    table.add_row("accepted", f"{result.accepted:,}")
    table.add_row("duplicates (dropped)", f"{result.duplicates:,}")
    for reason, count in sorted(result.quarantined.items()):
        table.add_row(f"quarantined: {reason}", f"{count:,}")
    wide(console).print(table)
