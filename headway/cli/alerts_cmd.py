"""`headway alerts`: backtest a rule over history, or evaluate every rule once (for cron)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from headway.cli.common import (
    Exit,
    Format,
    FormatOption,
    WorkspaceOption,
    console,
    errors,
    escape,
    fail,
    open_workspace,
)
from headway.cli.query_cmd import FromOption, ToOption, reporting
from headway.spec.issues import choices_hint

if TYPE_CHECKING:  # `headway --help` must not load the spec loader or an engine (tests/test_cold_start.py)
    from rich.table import Table

    from headway.spec import Workspace
    from headway.spec.alerts import AlertSpec

app = typer.Typer(help="Alert rules: backtest them over history, evaluate them once for cron.", no_args_is_help=True)


def _alert_spec(ws: Workspace, path: Path) -> AlertSpec:
    from headway.spec import SpecError
    from headway.spec.alerts import load_alerts

    try:
        return load_alerts(ws)
    except SpecError as error:
        for issue in error.issues:
            errors.print(issue.render(), highlight=False, soft_wrap=True, markup=False)
        fail(f"{len(error.issues)} problem(s) in the alert files; run `headway validate -w {path}`", Exit.INVALID)


@app.command("test")
def test_rule(
    rule: Annotated[str, typer.Argument(help="Alert rule id (from alerts/*.yml).")],
    start: FromOption = None,
    end: ToOption = None,
    metric: Annotated[str | None, typer.Option("--metric", help="Run the rule against another metric.")] = None,
    format: FormatOption = Format.TABLE,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Backtest a rule: every alert it would have raised between --from and --to."""
    from headway.analysis.alerts.series import backtest_json, run_rule
    from headway.engine import Actor, Engine

    ws = open_workspace(workspace)
    spec = _alert_spec(ws, workspace)
    if rule not in spec.rules:
        fail(f"unknown alert rule '{rule}'", Exit.INVALID, choices_hint(rule, spec.rules, "a rule id"))
    if metric is not None and metric not in ws.metrics:
        fail(f"unknown metric '{metric}'", Exit.INVALID, choices_hint(metric, ws.metrics, "a metric id"))
    if start and end and start > end:
        fail("--from is after --to", Exit.USAGE, "Swap them.")
    runner = Engine(ws)
    with reporting(runner):
        span = runner.data_range(metric or spec.rules[rule].metric)
        if span is None:
            fail(f"metric '{metric or spec.rules[rule].metric}' has no data", Exit.FAILED)
        first = start.date() if start else span[0]
        last = end.date() if end else span[1]
        chosen = spec.rules[rule]
        target = metric or chosen.metric
        runs = run_rule(runner, chosen, first, last, metric, actor=Actor.owner())  # as `headway query`: the local owner
        result = backtest_json(runs, chosen, target, chosen.grain or ws.grain_of(target))
    if format is Format.JSON:
        print(json.dumps(result, separators=(",", ":")))
        return
    console.print(_table(result, first, last))


def _table(result: dict[str, Any], first: dt.date, last: dt.date) -> Table:
    from rich.table import Table

    count = len(result["alerts"])
    title = f"{result['rule']} on {result['metric']} · {result['grain']} · {result['baseline']}"
    title += f" ({result['variant']})" if result.get("variant") else ""
    caption = f"{count} alert(s) from {first} to {last}" + (f"; {result['note']}" if result["note"] else "")
    table = Table(title=escape(title), title_justify="left", caption=escape(caption), caption_justify="left")
    names = ["period", "series", "value", "expected", "low", "high", "direction"]
    if not any("series" in a for a in result["alerts"]):
        names.remove("series")
    for name in names:
        table.add_column(name, justify="left" if name in ("period", "series", "direction") else "right")
    for alert in result["alerts"]:
        series = ", ".join(f"{k}={v}" for k, v in alert.get("series", {}).items())
        table.add_row(*[_cell(series if k == "series" else alert[k]) for k in names])
    return table


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}"
    return escape(str(value))


@app.command("run")
def run_rules(
    format: FormatOption = Format.TABLE,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Evaluate every rule once, open or resolve incidents, notify and escalate (for cron)."""
    from headway.alerts.lifecycle import Alerting
    from headway.engine import Engine
    from headway.store import StateError, StateStore, state_url

    ws = open_workspace(workspace)
    spec = _alert_spec(ws, workspace)
    runner = Engine(ws)
    try:
        store = StateStore.open(state_url(ws.root))
    except StateError as error:
        fail(str(error), Exit.FAILED)
    from sqlalchemy.exc import SQLAlchemyError

    broken: SQLAlchemyError | None = None
    with reporting(runner):  # engine failures exit 3 with their message; the state database is told apart
        try:
            report = Alerting(runner, store, spec).run()
        except SQLAlchemyError as error:
            broken = error
    store.dispose()
    if broken is not None:
        fail(f"the state database failed: {str(broken).splitlines()[0]}", Exit.FAILED, "Run `headway state upgrade`.")
    failed = [d for d in report.deliveries if d.outcome.value != "sent"]
    if format is Format.JSON:
        body = {
            "evaluated": report.evaluated,
            "outcomes": report.outcomes,
            "opened": report.opened,
            "resolved": report.resolved,
            "deliveries": [
                {"channel": d.channel, "outcome": d.outcome.value, "detail": d.detail} for d in report.deliveries
            ],
        }
        print(json.dumps(body, separators=(",", ":")))
    else:
        for rule_id, outcome in report.outcomes.items():
            console.print(f"{escape(rule_id)}: {outcome}", highlight=False)
        console.print(
            f"{report.evaluated} rule(s) evaluated, {len(report.opened)} opened, {len(report.resolved)} resolved, "
            f"{len(report.deliveries) - len(failed)} message(s) sent, {len(failed)} failed",
            highlight=False,
        )
    if failed or "evaluation_error" in report.outcomes.values():
        raise typer.Exit(int(Exit.FAILED))
