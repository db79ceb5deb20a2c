"""`headway okr`: list a quarter's objectives with their scores, show one, record a check-in."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from headway.cli.common import Exit, Format, FormatOption, WorkspaceOption, console, escape, fail, open_workspace
from headway.cli.tables import wide
from headway.spec.issues import choices_hint

if TYPE_CHECKING:  # `headway --help` must not load the spec loader or an engine (tests/test_cold_start.py)
    from headway.spec import Workspace
    from headway.store import StateStore

app = typer.Typer(help="Objectives and key results: scores, pace, guardrails, check-ins.", no_args_is_help=True)
WORDS = {"on_track": "on track", "at_risk": "at risk", "off_track": "off track", None: "–"}


def _store(ws: Workspace) -> StateStore:
    from headway.store import StateError, StateStore, state_url

    try:
        return StateStore.open(state_url(ws.root))
    except StateError as error:
        fail(error.message, Exit.FAILED, error.hint)


def _spec(ws: Workspace, path: Path) -> Any:
    from headway.spec.objectives import load_objectives

    spec, issues = load_objectives(ws)
    if any(i.severity.value == "error" for i in issues):
        fail(f"{len(issues)} problem(s) in objectives/; run `headway validate -w {path}`", Exit.INVALID)
    return spec


def _known(spec: Any, objective_id: str) -> None:
    """Stop (exit 1, invalid) naming the closest ids when the objective does not exist."""
    if objective_id not in spec.objectives:
        fail(
            f"unknown objective '{objective_id}'",
            Exit.INVALID,
            choices_hint(objective_id, spec.objectives, "an objective id"),
        )


@app.command("list")
def list_objectives(
    period: Annotated[str | None, typer.Option("--period", "-p", help="A quarter such as 2026Q4.")] = None,
    format: FormatOption = Format.TABLE,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Every objective of a quarter (all quarters without --period): score, status, flags."""
    from headway.analysis.okr import okr_report
    from headway.cli.query_cmd import reporting
    from headway.engine import Actor, Engine
    from headway.spec.objectives import PERIOD

    if period is not None and not PERIOD.match(period.upper()):
        fail(f"--period: '{period}' is not a quarter", Exit.USAGE, "Write the year and quarter, e.g. 2026Q4.")
    ws = open_workspace(workspace)
    spec = _spec(ws, workspace)
    store = _store(ws)
    runner = Engine(ws)
    with reporting(runner):
        report = okr_report(runner, period.upper() if period else None, actor=Actor.owner(), store=store, spec=spec)
    store.dispose()
    if format is Format.JSON:
        print(json.dumps(report, separators=(",", ":")))
        return
    _print_list(report)


@app.command("show")
def show(
    objective_id: Annotated[str, typer.Argument(help="Objective id (from objectives/*.yml).")],
    format: FormatOption = Format.TABLE,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """One objective: each key result's baseline, current value, target, score, pace and check-ins."""
    from headway.analysis.okr import objective_report, workspace_today
    from headway.cli.query_cmd import reporting
    from headway.engine import Actor, Engine
    from headway.store.okr import list_checkins

    ws = open_workspace(workspace)
    spec = _spec(ws, workspace)
    _known(spec, objective_id)
    store = _store(ws)
    runner = Engine(ws)
    objective = spec.objectives[objective_id]
    with reporting(runner):
        found = objective_report(
            runner, spec, objective, actor=Actor.owner(), store=store, today=workspace_today(runner),
            checkins=list_checkins(store, [objective_id]),
        )  # fmt: skip
    store.dispose()
    if format is Format.JSON:
        print(json.dumps(found, separators=(",", ":")))
        return
    _print_objective(found)


@app.command("checkin")
def checkin(
    objective_id: Annotated[str, typer.Argument(help="Objective id.")],
    kr: Annotated[str, typer.Option("--kr", help="Key result id (see `headway okr show`).")],
    confidence: Annotated[
        int, typer.Option("--confidence", "-c", min=1, max=10, help="1 (no chance) to 10 (certain).")
    ],
    comment: Annotated[str | None, typer.Option("--comment", help="What the value says, in words.")] = None,
    blockers: Annotated[str | None, typer.Option("--blockers", help="What is in the way.")] = None,
    author: Annotated[str | None, typer.Option("--author", help="Who checks in.", show_default="your login")] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Record a check-in on one key result; the history is kept."""
    from headway.analysis.okr_guard import checkin_json
    from headway.store.okr import add_checkin

    ws = open_workspace(workspace)
    spec = _spec(ws, workspace)
    _known(spec, objective_id)
    objective = spec.objectives[objective_id]
    if kr not in objective.kr_ids:
        fail(
            f"objective '{objective_id}' has no key result '{kr}'",
            Exit.INVALID,
            choices_hint(kr, objective.kr_ids, "a key result id"),
        )
    who = (author or getpass.getuser()).strip()[:200] or "unknown"
    store = _store(ws)
    record = add_checkin(store, objective_id, kr, confidence=confidence, author=who, comment=comment, blockers=blockers)
    store.dispose()
    print(json.dumps(checkin_json(record), ensure_ascii=False, separators=(",", ":")))


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _print_list(report: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title=f"objectives · {report['period'] or 'every quarter'}", title_justify="left")
    for name in ("objective", "period", "team", "score", "status", "flags"):
        table.add_column(name, justify="right" if name == "score" else "left")
    for o in report["objectives"]:
        words = [f"{f['kr']} vs {f['guardrail']}" for f in o["flags"]] + (["check-ins stale"] if o["stale"] else [])
        flags = ", ".join(words)
        table.add_row(
            escape(o["id"]),
            o["period"],
            escape(o["team"] or "–"),
            _score(o["score"]),
            WORDS[o["status"]],
            escape(flags or "–"),
        )
    wide(console).print(table)


def _print_objective(o: dict[str, Any]) -> None:
    from rich.table import Table

    out = wide(console)
    out.print(
        f"{escape(o['objective'])} ({o['id']}, {o['period']}) · {WORDS[o['status']]} · score {_score(o['score'])}",
        highlight=False,
    )
    table = Table(title_justify="left")
    for name in ("key result", "baseline", "current", "target", "score", "expected", "status", "confidence"):
        table.add_column(name, justify="left" if name in ("key result", "status") else "right")
    for kr in o["key_results"]:
        metric = kr["kind"] == "metric"
        table.add_row(
            escape(kr["id"]),
            _num(kr["baseline"]["value"]) if metric else "–",
            _num(kr["current"]["value"]) if metric else ("done" if kr["done"] else "not done"),
            _num(kr["target"]) if metric else (kr["due"] or "–"),
            _score(kr["score"]),
            _score(kr["expected_now"]),
            WORDS[kr["status"]] if kr["status"] else f"– ({kr['reason']})",
            str(kr["checkins"]["latest_confidence"] or "–") + (" stale" if kr["checkins"]["stale"] else ""),
        )
    wide(console).print(table)
    for g in o["guardrails"]:
        state = "no data" if g["degraded"] is None else ("DEGRADED" if g["degraded"] else "holding")
        out.print(f"guardrail {g['metric']}: {state}", highlight=False)
    for kr in o["key_results"]:
        for c in kr["checkins"]["history"][-3:]:  # the latest three; --format json has them all
            words = " · ".join(w for w in (c["comment"], c["blockers"] and f"blockers: {c['blockers']}") if w)
            line = f"check-in {kr['id']} {c['at'][:10]} {c['author']} confidence {c['confidence']}"
            out.print(escape(line + (f": {words}" if words else "")), highlight=False)
    for f in o["flags"]:
        out.print(f"[bold red]push and protect:[/] {escape(f['message'])}", highlight=False)


def _num(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}"
