"""What every command shares: the workspace option, exit codes, error printing."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from headway.spec import Workspace

console = Console()
errors = Console(stderr=True)


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
    from headway.spec.library import Library, library_label

    if Library.DELIVERY not in ws.config.include:
        return False
    label = library_label(Library.DELIVERY, "sources")
    mine = [s for name, s in ws.sources.items() if (o := ws.source_origins.get(name)) and o.file == label]
    if mine and all(ws.path_of(s.path).exists() for s in mine):
        return False  # the usual case, decided without importing the delivery package (Arrow, ~0.1 s)
    from headway.delivery.processor import ensure_tables

    try:
        return ensure_tables(ws.root, ws.config.delivery)
    except OSError:  # a read-only workspace: queries on the delivery sources say which file is missing
        return False


def open_workspace(path: Path) -> Workspace:
    from headway.spec import SpecError, load_workspace  # the loader and its parser: only for commands that read a spec

    try:
        ws = load_workspace(path)
        return load_workspace(path) if ensure_delivery_tables(ws) else ws  # reloaded: no missing-file warnings
    except SpecError as error:
        for issue in error.issues:
            errors.print(issue.render(), highlight=False, soft_wrap=True, markup=False)
        fail(f"{len(error.issues)} problem(s) in the workspace spec; run `headway validate -w {path}`", Exit.INVALID)
