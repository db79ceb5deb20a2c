"""`headway tree`: the metric tree with the evidence grade of every link, drawn in the terminal."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from headway.cli.common import Exit, WorkspaceOption, console, escape, fail, open_workspace
from headway.cli.query_cmd import ActorChoice, AsOption, actor_of, reporting

if TYPE_CHECKING:  # the analysis (numpy) and Rich's tree load when the command runs, not for --help
    from rich.tree import Tree

    from headway.analysis.alignment import Filter

VERDICT_STYLE = {"supports": "green", "contradicts": "red", "no_evidence": "yellow"}


class TreeFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def tree(
    evidence: Annotated[
        bool, typer.Option("--evidence/--no-evidence", help="Grade each link from the data (reads the data).")
    ] = True,
    filter_: Annotated[
        str | None, typer.Option("--filter", help="Grade links on one dimension value only: DIM=VALUE.")
    ] = None,
    fmt: Annotated[TreeFormat, typer.Option("--format", help="text, or json (the same as GET /api/v1/tree).")] = (
        TreeFormat.TEXT
    ),
    as_: AsOption = ActorChoice.OWNER,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Show the metric tree: each KPI, the metrics declared to move it, and how strongly the data backs each link."""
    from headway.analysis.alignment import tree_report
    from headway.engine import Engine

    ws = open_workspace(workspace)
    where = _parse_filter(filter_)
    if not evidence:
        if fmt is TreeFormat.JSON or where is not None:
            fail("--no-evidence draws the declared tree only", Exit.USAGE, "Drop --format json and --filter.")
        console.print(draw(ws.config.name, _declared(ws)))
        return
    engine = Engine(ws)
    with reporting(engine):
        report = tree_report(engine, where, actor=actor_of(as_))
    if fmt is TreeFormat.JSON:
        print(json.dumps(report))
        return
    console.print(draw(ws.config.name, report))
    for line in misaligned_lines(report["misalignments"]):
        console.print(f"[bold red]misaligned[/] {escape(line)}", highlight=False, soft_wrap=True)


def misaligned_lines(items: list[dict[str, Any]]) -> list[str]:
    """One line per kind of problem for metrics that move no KPI (there can be many), one per other item."""
    lonely = [i["metric"] for i in items if i["kind"] == "no_path_to_kpi"]
    lines = [f"{len(lonely)} delivery/input metric(s) move no KPI: {', '.join(lonely)}"] if lonely else []
    return lines + [i["message"] for i in items if i["kind"] != "no_path_to_kpi"]


def _parse_filter(text: str | None) -> Filter | None:
    from headway.analysis.alignment import Filter

    if text is None:
        return None
    dimension, sep, value = text.partition("=")
    if not sep or not dimension.strip() or not value.strip():
        fail(f"--filter '{text}' is not DIM=VALUE", Exit.USAGE, "For example --filter team=platform.")
    return Filter(dimension.strip(), value.strip())


def _declared(ws: Any) -> dict[str, Any]:
    """The report's shape without evidence, for --no-evidence."""
    from headway.analysis.tree import build_tree

    t = build_tree(ws)
    return {
        "north_star": ws.config.north_star,
        "nodes": [{"id": m, "name": ws.metrics[m].label, "kind": ws.metrics[m].kind.value} for m in t.roots],
        "edges": [{"from": k.driver, "to": k.target, "sign": k.sign.value, "lag": k.lag} for k in t.links],
        "counters": [{"metric": g, "counter": c} for g, c in t.counters],
        "roots": t.roots,
    }


def draw(name: str, report: dict[str, Any]) -> Tree:
    from rich.tree import Tree

    names = {n["id"]: n["name"] for n in report["nodes"]}
    kinds = {n["id"]: n.get("kind") for n in report["nodes"]}
    root = Tree(f"[bold]{escape(name)}[/] metric tree")
    for kpi in report["roots"]:
        star = " [yellow]★ north star[/]" if kpi == report["north_star"] else ""
        kind = "" if kinds.get(kpi) in (None, "kpi") else f" [dim]{kinds[kpi]}[/]"
        node = root.add(f"[bold]{kpi}[/] ({escape(names.get(kpi, kpi))}){kind}{star}")
        _add_drivers(node, kpi, report["edges"], report["counters"], {kpi})
        _add_counters(node, kpi, report["counters"])
    return root


def _add_drivers(
    node: Tree, metric_id: str, edges: list[dict[str, Any]], counters: list[dict[str, Any]], seen: set[str]
) -> None:
    for edge in sorted((e for e in edges if e["to"] == metric_id), key=lambda e: e["from"]):
        lag = f", lag {edge['lag']}" if edge["lag"] else ""
        child = node.add(f"{edge['from']} [dim]({edge['sign']}{lag})[/]{_grade(edge.get('evidence'))}")
        if edge["from"] not in seen:
            _add_drivers(child, edge["from"], edges, counters, seen | {edge["from"]})
            _add_counters(child, edge["from"], counters)


def _add_counters(node: Tree, metric_id: str, counters: list[dict[str, Any]]) -> None:
    for counter in counters:
        if counter["metric"] == metric_id:
            node.add(f"[magenta]guarded by[/] {counter['counter']}")


def _grade(ev: dict[str, Any] | None) -> str:
    if ev is None:
        return ""
    if ev["grade"] != "association":
        return f"  [dim]{ev['grade']}: {ev['reason'] or ''}[/]"
    style = VERDICT_STYLE[ev["verdict"]]
    lo, hi = ev["ci"]
    words = ev["verdict"].replace("_", " ")
    return f"  [{style}]{words}[/] [dim]r {ev['r']:+.2f} ({lo:+.2f}..{hi:+.2f}) lag {ev['lag_periods']}w n {ev['n']}[/]"
