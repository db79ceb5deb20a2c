"""`headway initiatives list|show`, `headway actions list|add|done` and `headway meeting`: the roadmap and the meeting.

They read the same JSON as the API (analysis/plans.py, analysis/meeting.py), from `initiatives/*.yml`,
`meetings/*.yml` and the workspace's state database.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from headway.cli.common import Exit, Format, FormatOption, WorkspaceOption, console, fail, open_workspace

if TYPE_CHECKING:
    from headway.spec import Workspace
    from headway.store import StateStore

initiatives_app = typer.Typer(help="Initiatives ranked by expected KPI impact per effort, and their measured impact.",
                              no_args_is_help=True)  # fmt: skip
actions_app = typer.Typer(help="Action items from the alignment meeting: list, add, mark done.", no_args_is_help=True)
Day = Annotated[dt.datetime, typer.Option(formats=["%Y-%m-%d"], help="A day, YYYY-MM-DD.")]


def _store(ws: Workspace) -> StateStore:
    from headway.store import StateError, StateStore

    try:
        return StateStore.for_workspace(ws.root)
    except StateError as error:
        fail(error.message, Exit.FAILED, error.hint)


def _report(workspace: Path) -> dict[str, Any]:
    from headway.analysis import plans
    from headway.engine import Actor, Engine
    from headway.errors import HeadwayError

    ws = open_workspace(workspace)
    engine, store = Engine(ws), _store(ws)
    try:
        return plans.report(engine, store, actor=Actor.owner())
    except HeadwayError as error:
        fail(error.message, Exit.FAILED if error.status >= 500 else Exit.INVALID, error.hint)
    finally:
        engine.close()
        store.dispose()


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.1%}"


def _measured(row: dict[str, Any]) -> str:
    m = row["measured"]
    if m is None:
        return "not launched" if row["launch"] is None else ""
    return m["verdict"].replace("_", " ") + (f" ({m['method']})" if m["verdict"] != "too_early" else "")


@initiatives_app.command("list")
def list_initiatives(workspace: WorkspaceOption = Path("."), output: FormatOption = Format.TABLE) -> None:
    """Every initiative, best score first, with its measured impact once launched."""
    body = _report(workspace)
    if output is Format.JSON:
        print(json.dumps(body, ensure_ascii=False))
        return
    from rich.table import Table

    table = Table(title=f"initiatives · score = {body['score']}", title_justify="left")
    for name in ("#", "initiative", "status", "score", "launch", "measured", "flags"):
        table.add_column(name, justify="right" if name in ("#", "score") else "left")
    for r in body["initiatives"]:
        score = "–" if r["score"] is None else f"{r['score']:.3f}"
        table.add_row(str(r["rank"] or "–"), r["id"], r["status"], score, r["launch"] or "", _measured(r),
                      "; ".join(f.split(":")[0] for f in r["flags"]))  # fmt: skip
    console.print(table)


@initiatives_app.command("show")
def show_initiative(
    initiative: Annotated[str, typer.Argument(help="Initiative id.")],
    workspace: WorkspaceOption = Path("."),
    output: FormatOption = Format.TABLE,
) -> None:
    """One initiative: expected effects, each KPI's change per window with its interval, the verdict."""
    body = _report(workspace)
    found = {r["id"]: r for r in body["initiatives"]}
    if initiative not in found:
        from headway.spec.issues import choices_hint

        fail(f"unknown initiative '{initiative}'", Exit.INVALID, choices_hint(initiative, found, "an initiative id"))
    row = found[initiative]
    if output is Format.JSON:
        print(json.dumps(row, ensure_ascii=False))
        return
    console.print(f"[bold]{row['name']}[/] ({row['id']}) · {row['status']} · owner {row['owner']}", highlight=False)
    score = "–" if row["score"] is None else f"{row['score']:.3f}"
    console.print(f"rank {row['rank'] or '–'} · score {score} · confidence {row['confidence']}"
                  f" · effort {row['effort']} person-weeks · {row['source']}", highlight=False)  # fmt: skip
    for e in row["expects"]:
        rng = f"{_pct(e['low'])}..{_pct(e['high'])}" if e["change"] == "relative" else f"{e['low']:+g}..{e['high']:+g}"
        console.print(f"expects {e['metric']} {rng}", highlight=False)
    for flag in row["flags"]:
        console.print(f"[red]flag[/] {flag}", highlight=False)
    m = row["measured"]
    if m is None:
        console.print("not measured: " + ("not launched" if row["launch"] is None else row["status"]), highlight=False)
        return
    console.print(f"launched {m['launched']} ({row['launch_from']}) · {m['method']} · {m['reading']}",
                  highlight=False)  # fmt: skip
    for k in m["kpis"]:
        for w in k["windows"]:
            if "change" in w:
                text = f"{_pct(w['change_pct'])} ({_pct(w['ci_low_pct'])}..{_pct(w['ci_high_pct'])})"
                text += f" = {w['change']:+.4g} ({w['ci_low']:+.4g}..{w['ci_high']:+.4g})"
            else:
                text = w.get("reason", "window not over yet")
            console.print(f"  {k['metric']} first {w['window']} {w['from']}..{w['to']}: {text} · {w['verdict']}",
                          highlight=False)  # fmt: skip


def _actions(workspace: Path, period: str | None) -> tuple[list[dict[str, Any]], dt.date]:
    from headway.analysis.meeting import gather, with_overdue
    from headway.analysis.meeting import today as today_of

    ws = open_workspace(workspace)
    store = _store(ws)
    try:
        today = today_of(ws)
        return with_overdue(gather(ws, store, period).actions, today), today
    finally:
        store.dispose()


@actions_app.command("list")
def list_actions(
    workspace: WorkspaceOption = Path("."),
    period: Annotated[str | None, typer.Option(help="A quarter such as 2026Q4.")] = None,
    status: Annotated[str | None, typer.Option(help="open, done or dropped.")] = None,
    output: FormatOption = Format.TABLE,
) -> None:
    """Action items, soonest due first; open ones past their due day are marked overdue."""
    if status is not None and status not in ("open", "done", "dropped"):
        fail(f"--status {status}: use open, done or dropped", Exit.USAGE)
    found, today = _actions(workspace, period)
    found = sorted(
        (a for a in found if status is None or a["status"] == status), key=lambda a: (a["due"], str(a["id"]))
    )
    if output is Format.JSON:
        print(json.dumps({"today": today.isoformat(), "actions": found}, ensure_ascii=False))
        return
    from rich.table import Table

    table = Table(title=f"action items · today {today}", title_justify="left")
    for name in ("id", "period", "title", "owner", "due", "status", "concerns"):
        table.add_column(name)
    for a in found:
        state = a["status"] + (" · [red]overdue[/]" if a["overdue"] else "")
        table.add_row(str(a["id"]), a["period"], a["title"], a["owner"], a["due"], state, ", ".join(a["metrics"]))
    console.print(table)


@actions_app.command("add")
def add_action(
    title: Annotated[str, typer.Argument(help="What is to be done.")],
    owner: Annotated[str, typer.Option(help="Who does it.")],
    due: Day,
    metric: Annotated[list[str] | None, typer.Option(help="A metric it concerns (repeatable).")] = None,
    objective: Annotated[list[str] | None, typer.Option(help="An objective it concerns (repeatable).")] = None,
    period: Annotated[str | None, typer.Option(help="Its quarter (default: the quarter of --due).")] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Add an action item to the state database; prints its id."""
    from pydantic import ValidationError

    from headway.analysis.meeting import quarter_of
    from headway.spec.issues import choices_hint
    from headway.spec.meetings import QUARTER, ActionItem
    from headway.store.meeting import add_action as store_action

    ws = open_workspace(workspace)
    for metric_id in metric or []:
        if metric_id not in ws.metrics:
            fail(f"unknown metric '{metric_id}'", Exit.INVALID, choices_hint(metric_id, ws.metrics, "a metric id"))
    if objective:
        from headway.spec.meetings import objective_hint
        from headway.spec.objectives import read_objectives

        declared = read_objectives(ws.root)[0].objectives
        for objective_id in objective:
            if objective_id not in declared:
                fail(f"unknown objective '{objective_id}'", Exit.INVALID, objective_hint(objective_id, declared))
    if period is not None and not QUARTER.match(period):
        fail(f"--period {period}: write a quarter such as 2026Q4", Exit.USAGE)
    try:
        item = ActionItem(title=title, owner=owner, due=due.date(), metrics=metric or [], objectives=objective or [])
    except ValidationError as error:
        first = error.errors()[0]
        fail(f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}", Exit.INVALID)
    store = _store(ws)
    try:
        record = store_action(store, period or quarter_of(item.due), item, "cli")
    finally:
        store.dispose()
    console.print(f"action item {record.id} added for {record.period}, due {record.due}", highlight=False)


@actions_app.command("done")
def done_action(
    action: Annotated[int, typer.Argument(help="The action item's number id (from `headway actions list`).", min=1)],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Mark a stored action item done (YAML ones change in their file)."""
    from headway.analysis.meeting import today
    from headway.spec.meetings import ActionStatus
    from headway.store.meeting import set_action_status

    ws = open_workspace(workspace)
    store = _store(ws)
    try:
        record = set_action_status(store, action, ActionStatus.DONE, today(ws))
    finally:
        store.dispose()
    if record is None:
        fail(f"no stored action item {action}", Exit.INVALID, "Items from meetings/*.yml change in their file.")
    console.print(f"action item {record.id} done on {record.done_on}", highlight=False)


def meeting(
    period: Annotated[str | None, typer.Option(help="A quarter such as 2026Q4 (default: this quarter).")] = None,
    workspace: WorkspaceOption = Path("."),
    output: FormatOption = Format.TABLE,
) -> None:
    """A quarter's alignment meeting: priorities by stakeholder, agreement (Kendall's W), open actions, changes."""
    from headway.analysis.meeting import meeting_report, quarter_of
    from headway.analysis.meeting import today as today_of
    from headway.spec.meetings import QUARTER

    if period is not None and not QUARTER.match(period):
        fail(f"--period {period}: write a quarter such as 2026Q4", Exit.USAGE)
    ws = open_workspace(workspace)
    store = _store(ws)
    try:
        today = today_of(ws)
        body = meeting_report(ws, period or quarter_of(today), store=store, today=today)
    finally:
        store.dispose()
    if output is Format.JSON:
        print(json.dumps(body, ensure_ascii=False))
        return
    _print_meeting(body)


def _print_meeting(body: dict[str, Any]) -> None:
    from rich.table import Table

    who = [s["stakeholder"] for s in body["stakeholders"]]
    table = Table(title=f"{body['period']} priorities (1 = first)", title_justify="left")
    for name in ("KPI", *who, "mean", "spread"):
        table.add_column(name, justify="left" if name == "KPI" else "right")
    for k in body["kpis"]:
        ranks = [str(k["ranks"][w] or "–") for w in who]
        table.add_row(k["metric"], *ranks, f"{k['mean_rank']:.2f}", str(k["spread"]))
    console.print(table)
    a = body["agreement"]
    if a["w"] is None:
        console.print(f"agreement: {a['reason']}", highlight=False)
    else:
        console.print(f"agreement: Kendall's W {a['w']:.2f} ({a['reading']}), chi2 {a['chi2']:.2f} on {a['df']} df,"
                      f" p = {a['p_value']:.2g}", highlight=False)  # fmt: skip
    for metric in body["not_kpis"]:
        d = body["kind_disputes"][metric]
        on_record = f"kind disputed {d['day']} by {d['who']}" if d else "no kind_dispute on record"
        console.print(f"ranked but not a KPI: {metric} ({on_record})", highlight=False)
    counts = f"{len(body['decisions'])} decision(s); {len(body['changes'])} change record(s)"
    console.print(f"{body['open_actions']} open action item(s), {body['overdue_actions']} overdue; {counts}",
                  highlight=False)  # fmt: skip
    for c in body["changes"]:
        console.print(f"  {c['day']} {c['kind']} by {c['who']}: {c['reason']}", highlight=False)
