"""`headway query` and `headway sql`: compute a metric, or show the SQL that would."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from headway.cli.common import (
    ENGINE_FAILURE_HINT,
    Exit,
    WorkspaceOption,
    console,
    errors,
    escape,
    fail,
    open_workspace,
)
from headway.cli.startup import loading
from headway.cli.tables import coloured, wide
from headway.engine.query import Compare, Query, engine_failure
from headway.engine.results import Result, csv_row
from headway.errors import HeadwayError
from headway.spec.models import Engine as EngineKind
from headway.spec.models import Grain

if TYPE_CHECKING:
    from rich.table import Table

    from headway.engine import Actor, Engine, Failure


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


LEVEL = 0.95  # the intervals' level unless --ci-level says otherwise
LEVEL_HINT = "Write the level as a fraction: 0.9 for a 90% interval, 0.95 (the default) for 95%."


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


class ActorChoice(StrEnum):
    OWNER = "owner"
    VIEWER = "viewer"


AsOption = Annotated[
    ActorChoice,
    typer.Option("--as", help="Who asks: owner (you, the workspace owner) or viewer (what a web visitor may see)."),
]


def actor_of(choice: ActorChoice) -> Actor:
    from headway.engine import Actor

    return Actor.owner() if choice is ActorChoice.OWNER else Actor.viewer("viewer")


def query(
    metrics: Annotated[list[str], typer.Argument(help="Metric id(s): several are computed for one range and grain.")],
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
    as_: AsOption = ActorChoice.OWNER,
    ci: Annotated[
        bool,
        typer.Option("--ci", help="Add a 95% interval and a status to each value (and a test of each change)."),
    ] = False,
    ci_level: Annotated[
        float | None,
        typer.Option("--ci-level", help="The intervals' confidence level, between 0 and 1 (e.g. 0.9); implies --ci."),
    ] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Compute metrics per period (calendar-complete), optionally sliced and compared."""
    if ci_level is not None and not 0 < ci_level < 1:
        fail(f"--ci-level must be between 0 and 1, not {ci_level:g}", Exit.USAGE, LEVEL_HINT)
    level, ci = ci_level or LEVEL, ci or ci_level is not None
    with loading():  # no garbage collection while the engine's modules and the spec load (startup.py)
        from headway.engine import Engine

        ws = open_workspace(workspace)
    ids = list(dict.fromkeys(metrics))
    asked = [_query(m, grain, by, start, end, where, compare, ws.grain_of(m)) for m in ids]
    queries = [replace(q, stats=ci, level=level) for q in asked]
    runner = Engine(ws, engine.value if engine else None)
    actor = actor_of(as_)
    if len(queries) == 1:
        with reporting(runner):
            if runner.engine_name == "spark" and format is OutputFormat.TABLE:
                with console.status("Running on Spark…"):
                    result = runner.query(queries[0], actor=actor)
            else:
                result = runner.query(queries[0], actor=actor)
        if ci:
            from headway.analysis.uncertainty import with_uncertainty

            result = with_uncertainty(result, ws.metrics[ids[0]], level)
        _print(result, format, ws.metrics[ids[0]].label, ws.metrics[ids[0]].unit, ws.metrics[ids[0]].direction)
        return
    with reporting(runner):
        answers = runner.query_many(queries, actor=actor)
    if ci:
        from headway.analysis.uncertainty import with_uncertainty

        answers = [with_uncertainty(a, ws.metrics[a.metric], level) if isinstance(a, Result) else a for a in answers]
    _print_many(answers, format, ws)


def _print_many(answers: list[Result | Failure], format: OutputFormat, ws: Any) -> None:
    """Several metrics: every answer printed, then exit with the worst failure's code (if any)."""
    from headway.engine import Failure

    failures = [a for a in answers if isinstance(a, Failure)]
    if format is OutputFormat.JSON:
        body = [
            {"ok": False, "metric": a.metric, "error": a.error.message, "hint": a.error.hint, "code": a.error.code}
            if isinstance(a, Failure)
            else {"ok": True, **a.to_json()}
            for a in answers
        ]
        print(json.dumps({"results": body}, separators=(",", ":")))
    elif format is OutputFormat.CSV:
        results = [a for a in answers if isinstance(a, Result)]
        columns = ["metric", *dict.fromkeys(c for r in results for c in r.columns)]
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n", restval="")
        writer.writeheader()
        for r in results:
            writer.writerows({"metric": r.metric, **csv_row(row)} for row in r.rows)
    else:
        for a in answers:
            if isinstance(a, Result):
                metric = ws.metrics[a.metric]
                wide(console).print(_table(a, metric.label, metric.unit, metric.direction))
    for failure in failures:
        errors.print(f"[bold red]error:[/] {escape(failure.metric)}: {escape(failure.error.message)}", highlight=False)
    if failures:
        worst = max(f.error.status for f in failures)
        raise typer.Exit(int(Exit.FAILED if worst >= 500 else Exit.INVALID))


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
    as_: AsOption = ActorChoice.OWNER,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Print the SQL Headway runs for a metric query, with comments naming the metric and its spec line."""
    with loading():
        from headway.engine import Engine

        ws = open_workspace(workspace)
    q = _query(metric, grain, by, start, end, where, compare, ws.grain_of(metric))
    runner = Engine(ws, engine.value if engine else None)  # the data facts come from the engine the SQL is for
    with reporting(runner):
        text = runner.sql(q, actor=actor_of(as_))
        if views:
            from headway.spec.graph import leaves

            names = dict.fromkeys(ws.metrics[leaf].source for leaf in leaves(ws.metrics, metric))
            text = "\n\n".join([*(runner.view_sql(ws.sources[n]) + ";" for n in names if n), text])
    print(text + ";")


@contextmanager
def reporting(runner: Engine) -> Iterator[None]:
    """Refusals exit 1, data and engine failures exit 3: a message each, never a traceback."""
    try:
        yield
    except HeadwayError as error:
        fail(error.message, Exit.FAILED if error.status >= 500 else Exit.INVALID, error.hint)
    except Exception as error:  # anything else an engine raises (e.g. a cast the data refuses)
        fail(engine_failure(runner.engine_name, error, str(runner.workspace.root)), Exit.FAILED, ENGINE_FAILURE_HINT)
    finally:
        runner.close()


def _print(result: Result, format: OutputFormat, label: str, unit: str | None, direction: Any = None) -> None:
    if format is OutputFormat.JSON:
        print(json.dumps(result.to_json(), separators=(",", ":")))
    elif format is OutputFormat.CSV:
        writer = csv.DictWriter(sys.stdout, fieldnames=result.columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(csv_row(row) for row in result.rows)
    else:
        wide(console).print(_table(result, label, unit, direction))


HIDDEN = {  # shown as marks and captions, or kept for scripts (sufficient statistics), not as table columns
    "complete",
    "reason",
    "compare_complete",
    "change_test",
    "change_status",
    *("sum", "sum_sq", "units", "num_sum", "num_sum_sq", "den_sum", "den_sum_sq", "num_den_sum", "nested"),
    *("ci_low_value", "ci_high_value"),  # a median's order statistics: shown as ci_low and ci_high
}


def _table(result: Result, label: str, unit: str | None, direction: Any = None) -> Table:
    from rich.table import Table

    title = f"{label} ({unit})" if unit else label
    unfinished = any(not row["complete"] for row in result.rows if row.get("period") is not None)
    uneven = any(row.get("compare_period") and row["complete"] != row["compare_complete"] for row in result.rows)
    notes = []
    if unfinished:
        through = result.data_through or "none yet"
        notes.append(f"* period not over: data through {through}")
    if uneven:
        notes.append("† compared with a period of different completeness: read the change with care")
    caption = "\n".join(notes) or None
    heading = f"{title} · {result.grain.value}"
    table = Table(
        title=heading,
        title_justify="left",
        caption=caption,
        caption_justify="left",
        min_width=min(max(len(heading), *(len(n) for n in notes or [""])) + 4, 100),
    )
    columns = [c for c in result.columns if c not in HIDDEN and not (c.startswith("compare_") and c[8:] in HIDDEN)]
    columns = [c for c in columns if c != "compare_n"]
    for name in columns:
        numeric = name in {"value", "n", "compare_value", "change", "change_pct", "ci_low", "ci_high", "p_value"}
        table.add_column(name, justify="right" if numeric else "left")
    for row in result.rows:
        cells = [_cell(name, row.get(name), unit) for name in columns]
        cells = coloured(cells, columns, direction, row.get("change"))
        if row.get("period") is not None and not row["complete"]:
            cells[0] += " *"
        if row.get("compare_period") and row["complete"] != row["compare_complete"]:
            cells[0] += " †"
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
    if name == "p_value" and isinstance(value, float):
        return f"{value:.3g}"
    if (
        name in {"value", "compare_value", "change", "ci_low", "ci_high"}
        and unit in {"share", "ratio"}
        and isinstance(value, int | float)
    ):
        return f"{value:+.1%}" if name == "change" else f"{value:.1%}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.4g}"
    return escape(str(value))  # dimension values are data: '[x]' is text, not Rich markup
