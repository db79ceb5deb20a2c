"""A dashboard's panels with their numbers: what /dashboards/{id}, its JSON twin and its exports show.

Every value comes from one `Engine.query_many` call per dashboard, asked as the viewer's actor,
so a metric the viewer may not read comes back as a refusal and its panel says "restricted"
instead of failing the page. Filters slice with `by=` and keep the chosen value's rows: no
user text is written into a query.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from headway.analysis.alignment import Filter
from headway.analysis.dora_panel import dora_panel
from headway.analysis.tree_cache import cached_tree_report
from headway.engine import Actor, Compare, Engine, Failure, Query, QueryError, Result
from headway.engine.results import json_row
from headway.errors import HeadwayError
from headway.spec.dashboards import Dashboard, Panel, PanelType, load_dashboards
from headway.spec.graph import available_dimensions
from headway.spec.models import Grain

COMPARE_COLUMNS = ("compare_period", "compare_value", "change", "change_pct", "compare_complete")
EDGE_COLUMNS = ("from", "to", "sign", "grade", "verdict", "lag_periods", "r", "n", "summary")
_boards: dict[tuple[str, str], dict[str, Dashboard]] = {}
_views: dict[tuple[Any, ...], dict[str, Any]] = {}
_lock = threading.Lock()


class UnknownDashboard(HeadwayError):
    code = "unknown_dashboard"
    status = 404


def dashboards(engine: Engine) -> dict[str, Dashboard]:
    """The workspace's dashboards by id, read once per spec version (problems were reported at load)."""
    ws = engine.workspace
    key = (str(ws.root), ws.spec_hash)
    with _lock:
        found = _boards.get(key)
    if found is None:
        located, _ = load_dashboards(Path(ws.root), ws.metrics)
        found = {board.id: board for board, _, _ in located}
        with _lock:
            _boards[key] = found
    return found


def dashboard(engine: Engine, dashboard_id: str) -> Dashboard:
    boards = dashboards(engine)
    if dashboard_id not in boards:
        from headway.spec.issues import choices_hint

        hint = choices_hint(dashboard_id, boards, "a dashboard id") or "This workspace has no dashboards/*.yml yet."
        raise UnknownDashboard(f"unknown dashboard '{dashboard_id}'", hint)
    return boards[dashboard_id]


@dataclass(frozen=True)
class Asked:
    panel: int
    metric: str
    query: Query
    keep: dict[str, str]  # filter dimension -> value, for the dimensions this metric has


def dashboard_view(
    engine: Engine, dashboard_id: str, filters: dict[str, str] | None = None, *, actor: Actor
) -> dict[str, Any]:
    """The dashboard as JSON: its fields and each panel's rows, kept per spec, data version and policy.

    `filters` replaces the dashboard's own (a page's URL state); `{}` shows it unfiltered.
    """
    board = dashboard(engine, dashboard_id)
    if filters is not None:
        board = board.model_copy(update={"filters": _checked(engine, board, filters)})
    ws = engine.workspace
    chosen = tuple(sorted(board.filters.items()))
    key = (id(engine), ws.spec_hash, engine.data_versions(), actor.policy_key, dashboard_id, chosen)
    with _lock:
        found = _views.get(key)
    if found is None:
        found = _build(engine, board, actor)
        with _lock:
            if len(_views) > 64:
                _views.clear()
            _views[key] = found
    return found


def dimensions_of(engine: Engine, board: Dashboard) -> list[str]:
    """What the dashboard can be filtered by: every dimension of one of its panels' metrics."""
    metrics = engine.workspace.metrics
    ids = {m for panel in board.panels for m in panel.metric_ids(metrics) if m in metrics}
    return sorted({d for m in ids for d in available_dimensions(metrics, m)})


def _checked(engine: Engine, board: Dashboard, filters: dict[str, str]) -> dict[str, str]:
    offered = dimensions_of(engine, board)
    for dimension in filters:
        if dimension not in offered:
            from headway.spec.issues import choices_hint

            hint = choices_hint(dimension, offered, "a dimension of the panels") or "No panel metric has dimensions."
            raise QueryError(
                f"no panel of '{board.id}' can be filtered by '{dimension}'", hint, code="unknown_dimension"
            )
    return dict(filters)


def _build(engine: Engine, board: Dashboard, actor: Actor) -> dict[str, Any]:
    asked = [a for p, panel in enumerate(board.panels) for a in _asks(engine, board, p, panel)]
    answers = engine.query_many([a.query for a in asked], actor=actor) if asked else []
    by_panel: dict[int, list[tuple[Asked, Result | Failure | None]]] = {}
    for a, answer in zip(asked, answers, strict=True):
        by_panel.setdefault(a.panel, []).append((a, answer))
    panels = []
    for p, panel in enumerate(board.panels):
        if panel.type is PanelType.TREE:
            panels.append(_tree_panel(engine, board, p, panel, actor))
        elif panel.type is PanelType.DORA:
            panels.append(dora_panel(engine, board, p, panel, actor=actor))
        else:
            panels.append(_metric_panel(engine, board, p, panel, by_panel.get(p, [])))
    return {
        "id": board.id,
        "title": board.title,
        "owner": board.owner,
        "description": board.description,
        "filters": dict(board.filters),
        "dimensions": dimensions_of(engine, board),
        "workspace": engine.workspace.config.name,
        "panels": panels,
    }


def _asks(engine: Engine, board: Dashboard, p: int, panel: Panel) -> list[Asked]:
    ws = engine.workspace
    out = []
    for metric_id in panel.metrics:
        if metric_id not in ws.metrics:
            continue
        dims = available_dimensions(ws.metrics, metric_id)
        keep = {d: v for d, v in board.filters.items() if d in dims}  # a filter on the breakdown keeps one value
        by = tuple(dict.fromkeys(([panel.by] if panel.by else []) + sorted(keep)))
        grain = panel.grain or ws.grain_of(metric_id)
        start, end = _range(engine, metric_id, panel, grain)
        if end is None:  # no data at all: the panel says so without asking
            continue
        compare = Compare(panel.compare.value) if panel.compare else None
        if panel.type is PanelType.KPI and compare is None:
            compare = Compare.PREVIOUS
        out.append(Asked(p, metric_id, Query(metric_id, grain, by, start, end, None, compare), keep))
    return out


def _range(engine: Engine, metric_id: str, panel: Panel, grain: Grain) -> tuple[dt.date | None, dt.date | None]:
    """`from`/`to` as written; otherwise the last `periods` periods up to the day the data is current through."""
    try:
        span = engine.data_range(metric_id)
        through = engine.data_through(metric_id)
    except HeadwayError:
        return None, None
    if span is None:
        return None, None
    end = panel.to or through or span[1]
    if panel.from_ is not None:
        return panel.from_, end
    calendar = engine.calendar()
    return max(span[0], calendar.shift(calendar.start(end, grain), grain, -(panel.periods - 1))), end


def _metric_panel(
    engine: Engine, board: Dashboard, p: int, panel: Panel, answered: list[tuple[Asked, Result | Failure | None]]
) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    restricted, problems, unfiltered = [], [], []
    grains: dict[str, str] = {}
    for a, answer in answered:
        grains[a.metric] = a.query.grain.value
        if isinstance(answer, Failure):
            if answer.error.code == "forbidden":
                restricted.append(a.metric)
            else:
                problems.append({"metric": a.metric, "code": answer.error.code, "message": answer.error.message})
            continue
        assert answer is not None
        for row in answer.rows:
            if all(row.get(d) is not None and str(row[d]) == v for d, v in a.keep.items()):
                rows.append(_row(a, row, panel))
    asked = {a.metric for a, _ in answered}
    no_data = [m for m in panel.metrics if m not in asked]
    dims = {
        m: available_dimensions(engine.workspace.metrics, m) for m in panel.metrics if m in engine.workspace.metrics
    }
    unfiltered = [m for m in dims if any(d not in dims[m] for d in board.filters)]
    out: dict[str, Any] = {
        "index": p,
        "type": panel.type.value,
        "title": panel.heading(),
        "metrics": [_metric_json(engine, m, grains.get(m)) for m in panel.metrics],
        "by": panel.by,
        "compare": panel.compare.value if panel.compare else None,
        "columns": _columns(panel, rows),
        "rows": rows,
        "restricted": restricted,
        "errors": problems,
        "no_data": no_data,
        "not_filtered": unfiltered,
    }
    if panel.type is PanelType.KPI:
        refused = set(restricted) | {e["metric"] for e in problems}
        shown = [m for m in panel.metrics if m in grains and m not in refused]
        out["cards"] = [_card(m, [r for r in rows if r["metric"] == m]) for m in shown]
    return out


def _row(a: Asked, row: dict[str, Any], panel: Panel) -> dict[str, Any]:
    found = json_row(row)
    out = {"metric": a.metric, "period": found["period"]}
    if panel.by:
        out[panel.by] = found.get(panel.by)
    out.update(value=found.get("value"), n=found.get("n"), complete=found.get("complete"), reason=found.get("reason"))
    if a.query.compare is not None:
        out.update({c: found.get(c) for c in COMPARE_COLUMNS})
    return out


def _columns(panel: Panel, rows: list[dict[str, Any]]) -> list[str]:
    if rows:
        return list(rows[0])
    base = ["metric", "period"] + ([panel.by] if panel.by else []) + ["value", "n", "complete", "reason"]
    return base + (list(COMPARE_COLUMNS) if panel.compare or panel.type is PanelType.KPI else [])


def _card(metric_id: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The last complete period's value and its change; the partial period beside it, marked."""
    done = [r for r in rows if r["complete"]]
    partial = [r for r in rows if not r["complete"]]
    latest = done[-1] if done else None
    return {
        "metric": metric_id,
        "period": latest["period"] if latest else None,
        "value": latest["value"] if latest else None,
        "n": latest["n"] if latest else None,
        "reason": (latest["reason"] if latest else "no_complete_period"),
        "compare_value": latest.get("compare_value") if latest else None,
        "change_pct": latest.get("change_pct") if latest else None,
        "partial": {"period": partial[-1]["period"], "value": partial[-1]["value"]} if partial else None,
        "sparkline": [{"period": r["period"], "value": r["value"]} for r in done],
    }


def _metric_json(engine: Engine, metric_id: str, grain: str | None) -> dict[str, Any]:
    metric = engine.workspace.metrics.get(metric_id)
    if metric is None:
        return {"id": metric_id, "name": metric_id, "unit": None, "grain": grain}
    return {"id": metric_id, "name": metric.label, "unit": metric.unit, "grain": grain, "owner": metric.owner}


def _tree_panel(engine: Engine, board: Dashboard, p: int, panel: Panel, actor: Actor) -> dict[str, Any]:
    """The tree's links with their evidence; one dashboard filter is applied when the links share it."""
    where = None
    if len(board.filters) == 1:
        dimension, value = next(iter(board.filters.items()))
        where = Filter(dimension, value)
    try:
        report = cached_tree_report(engine, where, actor=actor)
    except HeadwayError:  # no link shares the filter's dimension: the unfiltered tree, said so
        report = cached_tree_report(engine, None, actor=actor)
    rows = [
        {
            "from": e["from"],
            "to": e["to"],
            "sign": e["sign"],
            "grade": e["evidence"]["grade"],
            "verdict": e["evidence"]["verdict"],
            "lag_periods": e["evidence"]["lag_periods"],
            "r": e["evidence"]["r"],
            "n": e["evidence"]["n"],
            "summary": e["evidence"]["summary"],
        }
        for e in report["edges"]
    ]
    return {
        "index": p,
        "type": panel.type.value,
        "title": panel.heading(),
        "metrics": [],
        "filter": report["filter"],
        "columns": list(EDGE_COLUMNS),
        "rows": rows,
        "misalignments": report["misalignments"],
        "restricted": [n["id"] for n in report["nodes"] if not n["readable"]],
        "errors": [],
        "no_data": [],
        "not_filtered": [] if report["filter"] or not board.filters else ["tree"],
    }
