"""`headway explain METRIC --period D`: the rows behind one period's value, and how they were linked."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from headway.cli.common import Exit, Format, FormatOption, WorkspaceOption, console, fail, open_workspace
from headway.errors import HeadwayError
from headway.spec.models import Grain

SHOWN = ("change_id", "deployment_id", "incident_id", "item_id", "sprint_id", "service")
HOW = ("result", "failure_how", "attribution", "link_how", "lead_time_hours", "recovery_hours", "hours_to_resolve",
       "cycle_time_days")  # fmt: skip


def explain(
    metric: Annotated[str, typer.Argument(help="Metric id.")],
    period: Annotated[dt.datetime, typer.Option("--period", formats=["%Y-%m-%d"], help="Any day of the period.")],
    grain: Annotated[Grain | None, typer.Option("--grain", help="Default: the metric's grain.")] = None,
    by: Annotated[list[str] | None, typer.Option("--by", help="Slice the value, e.g. --by service.")] = None,
    output: FormatOption = Format.TABLE,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """List the rows behind METRIC in one period: deployments, changes, incidents, and how each link was made."""
    from headway.analysis.explain import explain as explain_value
    from headway.engine import Actor, Engine

    ws = open_workspace(workspace)
    if metric not in ws.metrics:
        from headway.spec.issues import choices_hint

        fail(f"unknown metric '{metric}'", Exit.INVALID, choices_hint(metric, ws.metrics, "a metric id"))
    engine = Engine(ws)
    try:
        out = explain_value(engine, metric, period.date(), grain, tuple(by or ()), actor=Actor.owner())
    except HeadwayError as error:
        fail(error.message, Exit.FAILED if error.status >= 500 else Exit.INVALID, error.hint)
    except Exception as error:  # the engine's own types: one line, no traceback
        from headway.engine.query import engine_failure

        fail(engine_failure(engine.engine_name, error, str(ws.root)), Exit.FAILED)
    finally:
        engine.close()
    if output is Format.JSON:
        print(json.dumps(out, default=str, ensure_ascii=False))
        return
    _print(out)


def _print(out: dict[str, Any]) -> None:
    console.print(
        f"[bold]{out['name']}[/] · {out['grain']} of {out['period']} · {out['computed_as']} ({out['defined_at']})"
    )
    for row in out["values"]:
        slice_ = " ".join(f"{k}={row.get(k)}" for k in out["by"])
        console.print(f"  value {_fmt(row['value'])}  n {row['n']}  {slice_}".rstrip())
    quality = out.get("data_quality")
    if quality:
        console.print(
            f"  data quality: {quality['changes_unattributed']} of {quality['changes_merged']} changes merged "
            f"unattributed, {quality['incidents_unlinked']} of {quality['incidents_opened']} incidents unlinked"
        )
    for part in out["parts"]:
        values = ", ".join(f"{_fmt(v['value'])} (n {v['n']})" for v in part["values"]) or "no data"
        title = f"{part['role']}: {part['metric']} = {values} · {part['computed_as']}"
        rows = part["rows"]
        if not rows:
            console.print(f"\n{title}\n  (no rows)")
            continue
        columns = [c for c in (*SHOWN, part["time"], *HOW) if c in rows[0]]
        columns = list(dict.fromkeys(columns))
        from rich.table import Table  # inside: Rich only for the table output

        table = Table(*columns, title=title, title_justify="left")
        for row in rows:
            table.add_row(*[_fmt(row.get(c)) for c in columns])
        console.print(table)
        for row in rows:
            for incident in row.get("incidents", []):
                console.print(
                    f"  {row['deployment_id']} failed: incident {incident['incident_id']} "
                    f"({incident['title']}) linked by {incident['link_how']}"
                )


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, str) and len(value) > 16 and value[4] == "-" and value[10] == "T":
        return value[:16].replace("T", " ")  # an instant in the workspace zone, to the minute
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}"
    return str(value)
