"""`headway ingest`: one verb for every import, telemetry files and delivery history alike.

`headway ingest FILE --source NAME` imports product telemetry (JSONL, CSV, Parquet);
`headway ingest git PATH --repo owner/name` and the other subcommands import delivery
history. A first argument that names no subcommand is a telemetry file (click's
default-command pattern), so both forms the docs promise work.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup

DEFAULT = "events"


class FileOrSubcommand(TyperGroup):
    def resolve_command(self, ctx: Any, args: list[str]) -> Any:  # ctx: Typer's own click Context
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = [DEFAULT, *args]
        return super().resolve_command(ctx, args)
