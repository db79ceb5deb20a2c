"""`headway metrics` and `headway schema`: what the workspace defines (`headway tree` is in tree_cmd)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from headway.cli.common import Exit, WorkspaceOption, console, fail, open_workspace
from headway.spec.models import Kind


def metrics(
    kind: Annotated[Kind | None, typer.Option("--kind", "-k", help="Only metrics of this kind.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print definitions as JSON.")] = False,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """List the workspace's metrics: id, kind, how computed, owner, status."""
    ws = open_workspace(workspace)
    chosen = [m for m in ws.metrics.values() if kind is None or m.kind is kind]
    if as_json:
        out = [{**m.model_dump(mode="json", exclude_none=True), "defined_at": ws.where(m.id)} for m in chosen]
        print(json.dumps(out, indent=2))
        return
    from rich.table import Table

    from headway.spec.describe import describe

    table = Table(title=f"{ws.config.name}: {len(chosen)} metrics", title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("computed as", ratio=1, min_width=32)
    table.add_column("owner", overflow="ellipsis", max_width=24)
    table.add_column("defined at", no_wrap=True)
    for m in sorted(chosen, key=lambda m: (m.kind.value, m.id)):
        status = "" if m.status.value == "active" else f" [dim]({m.status.value})[/]"
        table.add_row(m.id + status, m.kind.value, describe(m), m.owner or "–", ws.where(m.id))
    console.print(table)


def schema(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder to write the three schema files into.")
    ] = None,
) -> None:
    """JSON Schemas of headway.yml, sources/*.yml and metrics/*.yml, for editor autocompletion."""
    from headway.spec.models import MetricsFile, SourcesFile, WorkspaceConfig

    schemas = {
        "headway.schema.json": WorkspaceConfig.model_json_schema(),
        "sources.schema.json": SourcesFile.model_json_schema(),
        "metrics.schema.json": MetricsFile.model_json_schema(),
    }
    if out is None:
        print(json.dumps(schemas, indent=2))
        return
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, body in schemas.items():
            (out / name).write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
            console.print(f"wrote {out / name}")
    except OSError as error:  # not writable, not a folder, disk full
        fail(f"cannot write the schemas: {error.filename or out}: {error.strerror or error}", Exit.FAILED)
