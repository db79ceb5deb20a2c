"""`headway source add | refresh | check`: bring data in without writing every column by hand."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import typer

from headway.cli.common import Exit, WorkspaceOption, console, fail, open_workspace
from headway.spec.models import IDENT_PATTERN

if TYPE_CHECKING:
    from headway.engine.inspect import SourceGuess

# DuckDB, Arrow and the drivers load inside the commands: `headway --help` stays quick

app = typer.Typer(help="Add data sources, refresh database snapshots, check bad rows.", no_args_is_help=True)


def _is_database(target: str) -> bool:
    return urlsplit(target).scheme.split("+")[0] in ("postgresql", "sqlite")


def _default_name(target: str, table: str | None) -> str:
    base = (table or "").split(".")[-1] if table else Path(target.split("*")[0].rstrip("/")).name
    base = base.split(".")[0] or Path(target).parent.name
    return re.sub(r"\W+", "_", base).strip("_").lower()


@app.command("add")
def add(
    target: Annotated[str, typer.Argument(help="A .csv/.parquet file, a glob of them, or a database URL.")],
    name: Annotated[str | None, typer.Option("--name", help="Source name; default: from the file or table.")] = None,
    table: Annotated[str | None, typer.Option("--table", help="The table, with a database URL.")] = None,
    metrics: Annotated[bool, typer.Option("--metrics", help="Also draft a count and a few obvious metrics.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite sources/NAME.yml if it exists.")] = False,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Inspect data and write sources/NAME.yml, with a comment wherever Headway guessed."""
    from headway.cli.sourcefile import metrics_yaml, source_yaml

    root = workspace.resolve()
    if not (root / "headway.yml").is_file():
        fail(f"{root} is not a workspace (no headway.yml)", Exit.INVALID, "Run headway init first.")
    database = _is_database(target)
    if database and urlsplit(target).password:
        fail("the URL holds a password", Exit.USAGE, "Remove it and set PGPASSWORD in the environment instead.")
    if database and not table:
        fail("a database source needs --table", Exit.USAGE, "e.g. source add postgresql://db/shop --table orders")
    source = name or _default_name(target, table)
    if not re.match(IDENT_PATTERN, source):
        fail(f"'{source}' cannot be a source name", Exit.USAGE, "Pass --name with letters, digits and _.")
    written = root / "sources" / f"{source}.yml"
    drafted = root / "metrics" / f"{source}.yml"
    existing = [p for p in (written, *([drafted] if metrics else [])) if p.exists()]
    if existing and not force:
        fail(f"{existing[0].relative_to(root)} exists", Exit.INVALID, "Pass --force to overwrite it.")
    guess = _inspect(root, target, table, source, database)
    written.parent.mkdir(exist_ok=True)
    written.write_text(source_yaml(guess, {"url": target, "table": table or ""} if database else None), "utf-8")
    shown = written.relative_to(root)
    console.print(f"wrote {shown}: {len(guess.columns)} columns, {guess.rows:,} rows", highlight=False)
    _say_guesses(guess)
    if metrics:
        drafted.parent.mkdir(exist_ok=True)
        drafted.write_text(metrics_yaml(guess), "utf-8")
        console.print(f"wrote {drafted.relative_to(root)}: draft metrics to edit", highlight=False)
    console.print("Next: headway validate", highlight=False)


def _inspect(root: Path, target: str, table: str | None, source: str, database: bool) -> SourceGuess:
    from headway.engine.inspect import InspectError, inspect_files
    from headway.engine.snapshot import SNAPSHOTS, SnapshotError, take_snapshot

    try:
        if database:
            assert table is not None
            snap = take_snapshot(root, source, target, table)
            when = f"{snap.taken_at:%Y-%m-%d %H:%M} UTC"
            console.print(f"snapshot of {table}: {snap.rows:,} rows at {when}", highlight=False)
            return inspect_files(root, f"{SNAPSHOTS}/{source}.parquet", source)
        return inspect_files(root, _relative(root, target), source)
    except (InspectError, SnapshotError) as error:
        fail(str(error), Exit.FAILED)


def _relative(root: Path, target: str) -> str:
    """The path as the source will hold it: relative to the workspace when it lies inside it.

    A relative path is read from the workspace when it exists there (or is a glob), else from
    the current folder.
    """
    path = Path(target)
    if not path.is_absolute():
        in_root = root / path
        from_here = Path.cwd() / path
        path = from_here.resolve() if not in_root.exists() and "*" not in target and from_here.exists() else in_root
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _say_guesses(guess: SourceGuess) -> None:
    notes = [f"time: {guess.time}" if guess.time else "no time column found"]
    if guess.primary_key:
        notes.append(f"primary_key: {guess.primary_key}")
    notes += [f"{c.name}: {c.note.removeprefix('guessed: ')}" for c in guess.columns if c.note]
    notes += [f"csv.{k}: {v.removeprefix('guessed: ')}" for k, v in guess.csv_notes.items() if k != "delimiter"]
    for note in notes:
        console.print(f"  guessed {note}", highlight=False)
    for name in guess.left_out:
        console.print(f"  left out {name!r}: a column name must be letters, digits and _", highlight=False)


@app.command("refresh")
def refresh(
    name: Annotated[str | None, typer.Argument(help="A database source; default: every one.")] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Copy database tables again: a database source is as fresh as its last refresh."""
    from headway.engine.snapshot import SnapshotError, take_snapshot

    ws = open_workspace(workspace)
    chosen = [s for s in ws.sources.values() if s.database is not None and (name is None or s.name == name)]
    if name is not None and not chosen:
        fail(f"'{name}' is not a database source", Exit.INVALID, "Only sources with `database:` have snapshots.")
    for source in chosen:
        assert source.database is not None
        try:
            snap = take_snapshot(ws.root, source.name, source.database.url, source.database.table)
        except SnapshotError as error:
            fail(str(error), Exit.FAILED)
        console.print(f"{source.name}: {snap.rows:,} rows at {snap.taken_at:%Y-%m-%d %H:%M} UTC", highlight=False)


@app.command("check")
def check(
    name: Annotated[str, typer.Argument(help="The source to check.")],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Read a source as a query would: its rows, bad rows, and (for a database) the snapshot's age."""
    from sqlglot import exp

    from headway.engine import Engine
    from headway.engine.badrows import check_bad_rows
    from headway.engine.files import DataError, source_files
    from headway.engine.snapshot import last_snapshot
    from headway.engine.sql import count_all, table
    from headway.engine.views import view_name

    ws = open_workspace(workspace)
    source = ws.sources.get(name)
    if source is None:
        fail(f"unknown source '{name}'", Exit.INVALID, f"Sources: {', '.join(sorted(ws.sources)) or 'none'}.")
    engine = Engine(ws)
    try:
        files = source_files(ws, source)
        engine.backend.prepare(source, files)
        report = check_bad_rows(ws, engine.backend, source, files)
        counted = exp.select(count_all()).from_(table(view_name(source.name)))
        _, rows = engine.backend.execute(counted.sql(engine.backend.dialect.sqlglot))
    except DataError as error:
        fail(str(error), Exit.FAILED)
    finally:
        engine.close()
    console.print(f"{name}: {rows[0][0]:,} rows read from {len(files.paths)} file(s)", highlight=False)
    if report is not None and report.count:
        where = f", written to {report.quarantine}" if report.quarantine else ""
        console.print(f"{name}: {report.count:,} bad row(s) left out ({report.policy.value}){where}", highlight=False)
    snap = last_snapshot(ws.root, name) if source.database else None
    if snap is not None:
        console.print(f"{name}: snapshot of {snap.table} taken {snap.taken_at:%Y-%m-%d %H:%M} UTC", highlight=False)
