"""`headway state`: the runtime state database (SQLite under the workspace, or HEADWAY_STATE_URL)."""

from __future__ import annotations

from pathlib import Path

import typer

from headway.cli.common import Exit, WorkspaceOption, console, fail

app = typer.Typer(help="The runtime state database: migrations and what it holds.", no_args_is_help=True)


@app.command()
def upgrade(workspace: WorkspaceOption = Path(".")) -> None:
    """Create the state database or migrate it to the newest schema."""
    from headway.store import StateError, StateStore, state_url  # SQLAlchemy + Alembic: loaded only when used

    if not any((workspace / name).is_file() for name in ("headway.yml", "headway.yaml")):
        fail(f"no headway.yml in {workspace.resolve()}", Exit.INVALID, "Pass -w with a workspace folder.")
    try:
        with StateStore.open(state_url(workspace.resolve())) as store:
            console.print(
                f"state database at {store.url.render_as_string(hide_password=True)} "
                f"is at revision {store.current_revision()}",
                highlight=False,
            )
    except StateError as error:
        fail(error.message, Exit.FAILED, error.hint)


@app.command()
def info(workspace: WorkspaceOption = Path(".")) -> None:
    """Where the state database is, its schema revision, the last spec served and recent queries."""
    from sqlalchemy.exc import SQLAlchemyError

    from headway.store import StateError, StateStore, latest_spec_version, recent_queries, state_url

    if not any((workspace / name).is_file() for name in ("headway.yml", "headway.yaml")):
        fail(f"no headway.yml in {workspace.resolve()}", Exit.INVALID, "Pass -w with a workspace folder.")
    try:
        store = StateStore(state_url(workspace.resolve()))
        current, head = store.current_revision(), store.head_revision()
        console.print(f"url: {store.url.render_as_string(hide_password=True)}", highlight=False)
        console.print(f"revision: {current or 'none (run `headway state upgrade`)'} (newest: {head})", highlight=False)
        if current == head:
            spec = latest_spec_version(store)
            console.print(
                f"last spec served: {spec.spec_hash} at {spec.last_seen_at:%Y-%m-%d %H:%M} UTC"
                if spec
                else "last spec served: none",
                highlight=False,
            )
            console.print(f"recent queries logged: {len(recent_queries(store, 1000))}", highlight=False)
        store.dispose()
    except StateError as error:
        fail(error.message, Exit.FAILED, error.hint)
    except SQLAlchemyError as error:  # unreachable, or not a Headway state database
        first = (str(getattr(error, "orig", None) or error).strip().splitlines() or [type(error).__name__])[0]
        fail(
            f"cannot read the state database: {first}",
            Exit.FAILED,
            "Check HEADWAY_STATE_URL and that the database is up.",
        )
