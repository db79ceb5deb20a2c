"""`headway tiers --period D`: DORA performance tiers per service, naming the edition used."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from headway.cli.common import Exit, Format, FormatOption, WorkspaceOption, console, fail, open_workspace
from headway.errors import HeadwayError
from headway.spec.models import Grain


def tiers(
    period: Annotated[dt.datetime, typer.Option("--period", formats=["%Y-%m-%d"], help="Any day of the period.")],
    grain: Annotated[
        Grain, typer.Option("--grain", help="Period length: day, week, month, quarter or year.")
    ] = Grain.MONTH,
    edition: Annotated[
        str, typer.Option("--edition", help="2021 (the DORA report) or 2023 (as DevLake applies it).")
    ] = "2023",
    by_service: Annotated[bool, typer.Option("--by-service/--overall", help="One row per service.")] = True,
    output: FormatOption = Format.TABLE,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Classify deployment frequency, lead time, recovery and change fail rate against DORA's published tiers."""
    from headway.analysis.tiers import classify
    from headway.engine import Actor, Engine

    ws = open_workspace(workspace)
    engine = Engine(ws)
    try:
        out = classify(engine, period.date(), grain, edition, by_service, actor=Actor.owner())
    except HeadwayError as error:
        fail(error.message, Exit.FAILED if error.status >= 500 else Exit.INVALID, error.hint)
    finally:
        engine.close()
    if output is Format.JSON:
        print(json.dumps(out, ensure_ascii=False))
        return
    measures = ("deployment_frequency", "change_lead_time", "recovery", "change_fail_rate")
    from rich.table import Table  # inside: Rich only for the table output

    table = Table("service", *measures, title=f"DORA tiers, {out['edition']} · {out['grain']} of {out['period']}")
    for row in out["rows"]:
        cells = []
        for m in measures:
            cell = row.get(m) or {}
            value = cell.get("value")
            shown = "–" if value is None else f"{value:.3g}"
            cells.append(f"{cell.get('tier', 'no data')} ({shown}, n {cell.get('n', 0)})")
        table.add_row(str(row.get("service", "all")), *cells)
    console.print(table)
    console.print(f"source: {out['source']}", highlight=False)
