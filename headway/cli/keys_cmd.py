"""`headway keys`: write keys for the tracking API (printed once, stored hashed)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from headway.cli.common import Exit, WorkspaceOption, console, escape, fail
from headway.cli.tables import wide

app = typer.Typer(help="Write keys of the tracking API: create, list, revoke.", no_args_is_help=True)


def _store(workspace: Path):  # type: ignore[no-untyped-def]
    from headway.store import StateStore, state_url

    if not any((workspace / name).is_file() for name in ("headway.yml", "headway.yaml")):
        fail(f"no headway.yml in {workspace.resolve()}", Exit.INVALID, "Pass -w with a workspace folder.")
    return StateStore.open(state_url(workspace.resolve()))


@app.command()
def create(
    source: Annotated[str, typer.Option("--source", help="Event source the key sends as (web, ios, ...).")],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Create a write key for a source and print it (the only time it is shown)."""
    from headway.store import create_key

    if not source.strip() or len(source) > 128:
        fail("--source must be 1 to 128 characters", Exit.USAGE)
    with _store(workspace) as store:
        key, info = create_key(store, source.strip())
    console.print(key, highlight=False, markup=False)
    console.print(f"[dim]key {info.id} for source '{escape(info.source)}'; stored hashed, it cannot be shown again[/]")


@app.command("list")
def list_(workspace: WorkspaceOption = Path(".")) -> None:
    """List write keys: id, source, visible prefix, created, revoked."""
    from headway.store import list_keys

    with _store(workspace) as store:
        keys = list_keys(store)
    from rich.table import Table  # loaded when the command runs, not for --help

    table = Table("id", "source", "prefix", "created", "revoked")
    for k in keys:
        revoked = f"{k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else ""
        table.add_row(str(k.id), escape(k.source), k.prefix + "…", f"{k.created_at:%Y-%m-%d %H:%M}", revoked)
    wide(console).print(table)


@app.command()
def revoke(
    key_id: Annotated[int, typer.Argument(help="Key id from `headway keys list`.")],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Revoke a write key: the tracking API refuses it within seconds."""
    from headway.store import revoke_key

    with _store(workspace) as store:
        info = revoke_key(store, key_id)
    if info is None:
        fail(f"no write key with id {key_id}", Exit.INVALID, "See `headway keys list`.")
    console.print(f"revoked key {info.id} of source '{info.source}'", highlight=False, markup=False)
