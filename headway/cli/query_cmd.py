"""`headway query` and `headway sql`: compute a metric, or show the SQL that would."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from headway.cli.common import ENGINE_FAILURE_HINT, Exit, WorkspaceOption, console, engine_failure, fail, open_workspace
from headway.engine.calendar import Calendar
from headway.engine.query import Compare, Query
from headway.spec.models import Engine as EngineKind
from headway.spec.models import Grain

if TYPE_CHECKING:  # the engine (SQLGlot, DuckDB) and Rich tables load when a command runs, not for --help
    from rich.table import Table

    from headway.engine import Engine, Result


class OutputFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


GrainOption = Annotated[
    Grain | None, typer.Option("--grain", "-g", help="Period length.", show_default="metric's or workspace's")
]
ByOption = Annotated[list[str] | None, typer.Option("--by", "-b", help="Slice by a declared dimension (repeatable).")]
FromOption = Annotated[
    dt.datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="First day (workspace time zone).")
]
ToOption = Annotated[dt.datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day, inclusive.")]
WhereOption = Annotated[
    str | None, typer.Option("--where", help="Condition over the source's columns, e.g. \"region = 'EU'\".")
]
CompareOption = Annotated[
    Compare | None, typer.Option("--compare", help="Add the previous period's or last year's value and the change.")
]


def _query(
    ws_metric: str,
    grain: Grain | None,
    by: list[str] | None,
    start: dt.datetime | None,
    end: dt.datetime | None,
    where: str | None,
    compare: Compare | None,
    default_grain: Grain,
) -> Query:
    return Query(
        metric=ws_metric,
        grain=grain or default_grain,
        by=tuple(by or ()),
        start=start.date() if start else None,
        end=end.date() if end else None,
        where=where,
        compare=compare,
    )


def query(
    metric: Annotated[str, typer.Argument(help="Metric id.")],
    grain: GrainOption = None,
    by: ByOption = None,
    start: FromOption = None,
    end: ToOption = None,
    where: WhereOption = None,
    compare: CompareOption = None,
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table, csv or json (one JSON object).")
    ] = OutputFormat.TABLE,
    engine: Annotated[EngineKind | None, typer.Option("--engine", help="Override the workspace's engine.")] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Compute a metric per period (calendar-complete), optionally sliced and compared."""
    from headway.engine import Engine

    ws = open_workspace(workspace)
    q = _query(metric, grain, by, start, end, where, compare, ws.grain_of(metric))
    runner = Engine(ws, engine.value if engine else None)
    with reporting(runner):
        if runner.engine_name == "spark" and format is OutputFormat.TABLE:
            with console.status("Running on Spark…"):
                result = runner.query(q)
        else:
            result = runner.query(q)
        through = runner.data_through(metric) if format is OutputFormat.TABLE else None
    _print(result, format, ws.metrics[metric].label, ws.metrics[metric].unit, through)


def sql(
    metric: Annotated[str, typer.Argument(help="Metric id.")],
    grain: GrainOption = None,
    by: ByOption = None,
    start: FromOption = None,
    end: ToOption = None,
    where: WhereOption = None,
    compare: CompareOption = None,
    engine: Annotated[
        EngineKind | None, typer.Option("--engine", help="Dialect to print.", show_default="workspace's")
    ] = None,
    views: Annotated[bool, typer.Option("--views/--no-views", help="Also print the source view definitions.")] = False,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Print the SQL Headway runs for a metric query, with comments naming the metric and its spec line."""
    from headway.engine import Engine

    ws = open_workspace(workspace)
    q = _query(metric, grain, by, start, end, where, compare, ws.grain_of(metric))
    runner = Engine(ws, "duckdb")  # date bounds come from the embedded engine; the dialect is chosen below
    with reporting(runner):
        text = runner.sql(q, engine.value if engine else ws.config.engine.value)
        if views:
            from headway.spec.graph import leaves

            names = dict.fromkeys(ws.metrics[leaf].source for leaf in leaves(ws.metrics, metric))
            text = "\n\n".join([*(runner.view_sql(ws.sources[n]) + ";" for n in names if n), text])
    print(text + ";")


@contextmanager
def reporting(runner: Engine) -> Iterator[None]:
    """Refusals exit 1, data and engine failures exit 3: a message each, never a traceback."""
    from headway.engine import DataError, EngineError, QueryError

    try:
        yield
    except QueryError as error:
        fail(error.message, Exit.INVALID, error.hint)
    except (DataError, EngineError) as error:
        fail(str(error), Exit.FAILED)
    except Exception as error:  # anything else an engine raises (e.g. a cast the data refuses)
        fail(engine_failure(runner.engine_name, error), Exit.FAILED, ENGINE_FAILURE_HINT)
    finally:
        runner.close()


def _print(result: Result, format: OutputFormat, label: str, unit: str | None, through: dt.date | None = None) -> None:
    if format is OutputFormat.JSON:
        print(json.dumps(result.to_json(), separators=(",", ":")))
    elif format is OutputFormat.CSV:
        columns = list(result.rows[0]) if result.rows else ["period", *result.by, "value", "n"]
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(result.rows)
    else:
        console.print(_table(result, label, unit, through))


def _table(result: Result, label: str, unit: str | None, through: dt.date | None = None) -> Table:
    from rich.table import Table

    title = f"{label} ({unit})" if unit else label
    calendar = Calendar()  # only the period length matters here, not the week start
    unfinished = {
        row["period"]
        for row in result.rows
        if through is not None
        and row.get("period")
        and calendar.end(dt.date.fromisoformat(row["period"]), result.grain) > through + dt.timedelta(days=1)
    }
    caption = f"* period not over: data through {through}" if unfinished else None
    heading = f"{title} · {result.grain.value}"
    table = Table(
        title=heading,
        title_justify="left",
        caption=caption,
        caption_justify="left",
        min_width=min(max(len(heading), len(caption or "")) + 4, 100),
    )
    columns = list(result.rows[0]) if result.rows else ["period", *result.by, "value", "n"]
    for name in columns:
        numeric = name in {"value", "n", "compare_value", "change", "change_pct"}
        table.add_column(name, justify="right" if numeric else "left")
    for row in result.rows:
        cells = [_cell(name, row.get(name), unit) for name in columns]
        if row.get("period") in unfinished:
            cells[0] += " *"
        table.add_row(*cells)
    return table


def _cell(name: str, value: Any, unit: str | None = None) -> str:
    """Numbers as a person reads them; shares as percentages; no data is 'no data', never 0."""
    if value is None:
        return "[dim]no data[/]" if name in {"value", "compare_value"} else "[dim]–[/]"
    if name == "change_pct":
        return f"{value:+.1%}"
    if isinstance(value, bool):
        return str(value).lower()
    if name in {"value", "compare_value", "change"} and unit in {"share", "ratio"} and isinstance(value, int | float):
        return f"{value:+.1%}" if name == "change" else f"{value:.1%}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.4g}"
    return escape(str(value))  # dimension values are data: '[x]' is text, not Rich markup
