"""What every command shares: the workspace option, exit codes, error printing."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from headway.spec import Workspace


class _LazyConsole:
    """A Rich console made on first use: a command that prints JSON or CSV never imports Rich (~15 ms)."""

    def __init__(self, **options: Any):
        self._options = options
        self._console: Console | None = None

    def _made(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._made(), name)

    def __enter__(self) -> Console:  # `with console:` (Rich's Live and Progress) skips __getattr__
        return self._made().__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._made().__exit__(*exc)


console = cast("Console", _LazyConsole())
errors = cast("Console", _LazyConsole(stderr=True))


def escape(text: str) -> str:
    """Rich's `escape` (user text is not markup), imported on first use like the consoles."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


class Exit(IntEnum):
    """Exit codes scripts can rely on."""

    OK = 0
    INVALID = 1  # the spec has errors, or the query was refused (bad metric, dimension, --where)
    USAGE = 2  # bad command-line usage (Typer/Click)
    FAILED = 3  # the data, the engine or the environment failed (missing files, state database, unwritable folder)


class Format(StrEnum):
    """--format of every verb that prints a table for people or one JSON object for scripts."""

    TABLE = "table"
    JSON = "json"


# an unknown value is refused by Typer with exit 2 and the choices listed, as for `query --format`
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="table, or json (one JSON object).")]

WorkspaceOption = Annotated[
    Path,
    typer.Option("--workspace", "-w", help="Workspace folder (holds headway.yml).", show_default="current folder"),
]


def fail(message: str, code: Exit, hint: str = "") -> NoReturn:
    # messages quote user input (metric ids, --where text): escape it, or '[/x]' is read as Rich markup
    errors.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    if hint:
        errors.print(f"[dim]{escape(hint)}[/]", highlight=False, soft_wrap=True)
    raise typer.Exit(int(code))


ENGINE_FAILURE_HINT = (
    "Check that --where compares columns with values of their type, and that the data matches its declaration."
)


def ensure_delivery_tables(ws: Workspace) -> bool:
    """A workspace that includes the delivery library gets its (empty) tables on first open; True if written."""
    from headway.spec.delivery_config import tables_current
    from headway.spec.library import Library, library_label

    if Library.DELIVERY not in ws.config.include:
        return False
    label = library_label(Library.DELIVERY, "sources")
    mine = [s for name, s in ws.sources.items() if (o := ws.source_origins.get(name)) and o.file == label]
    current = tables_current(ws.root, ws.config.delivery, ws.config.timezone)  # an edited `delivery:` rebuilds
    if mine and all(ws.path_of(s.path).exists() for s in mine) and current:
        return False  # the usual case, decided without importing the delivery package (Arrow, ~0.1 s)
    import sqlite3

    from headway.delivery.processor import ensure_tables

    try:
        return ensure_tables(ws.root, ws.config.delivery, ws.config.timezone)
    except (OSError, sqlite3.Error):  # a read-only workspace: the tables stay as they are (or missing, said so)
        return False


def ensure_event_lake(ws: Workspace) -> bool:
    """A workspace on the built-in events gets an empty lake before its first event; True if written."""
    from headway.spec.layout import EMPTY_EVENTS_FILE, PEOPLE_FILE, is_events_lake

    events = ws.sources.get("events")
    if events is None or not is_events_lake(events.path):
        return False  # a workspace that replaced the built-in source reads its own files
    if (ws.root / EMPTY_EVENTS_FILE).exists() and (ws.root / PEOPLE_FILE).exists():
        return False  # the usual case, decided without importing Arrow
    from headway.ingest.empty_lake import ensure_empty_lake

    try:
        return ensure_empty_lake(ws.root)
    except OSError:  # a read-only workspace: queries on events say which file is missing
        return False


def open_workspace(path: Path) -> Workspace:
    from headway.spec.cache import load_cached  # the loader and its parser: only when no cached spec fits
    from headway.spec.issues import SpecError

    try:
        ws = load_cached(path)  # .headway/spec-cache/spec.pickle when no spec file changed (headway/spec/cache.py)
        ensure_event_lake(ws)  # the spec does not change: no reload
        if ensure_delivery_tables(ws):  # reloaded: no missing-file warnings
            from headway.spec import load_workspace

            return load_workspace(path)
        return ws
    except SpecError as error:
        for issue in error.issues:
            errors.print(issue.render(), highlight=False, soft_wrap=True, markup=False)
        fail(f"{len(error.issues)} problem(s) in the workspace spec; run `headway validate -w {path}`", Exit.INVALID)
