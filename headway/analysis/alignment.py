"""The tree with evidence on every link and the misalignments it reveals: what /tree and `headway tree` show.

Series come from `Engine.query` (one query per metric at week grain, cached by the engine);
everything after that is numbers. A dimension filter slices with `by=` and keeps the chosen
value's rows, so no user text is ever written into a query.
"""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from headway.analysis.evidence import Evidence, Grade, Verdict, grade_link
from headway.analysis.tree import Link, MetricTree, build_tree, kpis_without_driver, unconnected
from headway.engine import DataError, Engine, Query, QueryError
from headway.engine.calendar import Calendar
from headway.spec.graph import available_dimensions
from headway.spec.models import Grain

GRAIN = Grain.WEEK
Series = dict[str, float | None]


@dataclass(frozen=True)
class Filter:
    dimension: str
    value: str


def shared_dimensions(engine: Engine, tree: MetricTree) -> list[str]:
    """Dimensions both ends of at least one link can be sliced by: the tree's filter choices."""
    metrics = engine.workspace.metrics
    found: dict[str, None] = {}
    for link in tree.links:
        ends = [set(available_dimensions(metrics, link.driver)), set(available_dimensions(metrics, link.target))]
        found.update(dict.fromkeys(sorted(ends[0] & ends[1])))
    return list(found)


def series(engine: Engine, metric_id: str, where: Filter | None = None) -> Series:
    """The metric per complete week (first and unfinished weeks dropped), for one dimension value if asked."""
    span = engine.data_range(metric_id)
    through = engine.data_through(metric_id)
    if span is None or through is None:
        return {}
    by = (where.dimension,) if where else ()
    rows = engine.query(Query(metric_id, GRAIN, by)).rows
    if where is not None:
        rows = [r for r in rows if r.get(where.dimension) is not None and str(r[where.dimension]) == where.value]
    calendar = Calendar(engine.workspace.config.week_start)
    out: Series = {}
    for row in rows:
        start = dt.date.fromisoformat(row["period"])
        if start >= span[0] and calendar.end(start, GRAIN) <= through + dt.timedelta(days=1):
            out[row["period"]] = row["value"]
    return out


def link_evidence(link: Link, driver: Series, target: Series) -> Evidence:
    periods = sorted(driver.keys() & target.keys())
    if not driver or not target:
        return Evidence(Grade.HYPOTHESIS, declared_sign=link.sign_value, reason="no_data")
    x = np.array([_num(driver[p]) for p in periods], dtype=float)
    y = np.array([_num(target[p]) for p in periods], dtype=float)
    return grade_link(x, y, link.sign_value, link.max_lag(), GRAIN.value)


def _num(value: Any) -> float:
    return float("nan") if value is None else float(value)


def tree_report(engine: Engine, where: Filter | None = None) -> dict[str, Any]:
    """The whole tree as JSON: nodes, links with evidence, counter-metrics, misalignments."""
    ws = engine.workspace
    tree = build_tree(ws)
    dims = shared_dimensions(engine, tree)
    if where is not None and where.dimension not in dims:
        from headway.spec.issues import choices_hint

        raise QueryError(
            f"no link's two metrics share the dimension '{where.dimension}'",
            choices_hint(where.dimension, dims, "a shared dimension") if dims else "No link has a shared dimension.",
            code="unknown_dimension",
        )
    sliceable = {m for m in tree.members() if where is None or where.dimension in available_dimensions(ws.metrics, m)}
    needed = sorted({end for link in tree.links for end in (link.driver, link.target)} & sliceable)
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        fetched = dict(zip(needed, pool.map(lambda m: safe_series(engine, m, where), needed), strict=True))
    edges = []
    for link in tree.links:
        if link.driver in fetched and link.target in fetched:
            evidence = link_evidence(link, fetched[link.driver], fetched[link.target])
        else:
            evidence = Evidence(Grade.HYPOTHESIS, declared_sign=link.sign_value, reason="dimension_not_shared")
        edges.append({**_link_json(link), "evidence": evidence.to_json()})
    return {
        "workspace": ws.config.name,
        "north_star": ws.config.north_star,
        "grain": GRAIN.value,
        "filter": {"dimension": where.dimension, "value": where.value} if where else None,
        "dimensions": dims,
        "roots": tree.roots,
        "nodes": [_node_json(engine, tree, m, m in sliceable) for m in tree.members()],
        "edges": edges,
        "counters": [{"metric": g, "counter": c} for g, c in tree.counters],
        "misalignments": _misalignments(engine, tree, edges),
    }


def safe_series(engine: Engine, metric_id: str, where: Filter | None) -> Series:
    try:
        return series(engine, metric_id, where)
    except (DataError, QueryError):
        return {}


def _link_json(link: Link) -> dict[str, Any]:
    return {
        "id": link.key,
        "from": link.driver,
        "to": link.target,
        "sign": link.sign.value,
        "lag": link.lag,
        "lags_searched": [0, link.max_lag()],
        "note": link.note,
    }


def _node_json(engine: Engine, tree: MetricTree, metric_id: str, sliceable: bool) -> dict[str, Any]:
    ws = engine.workspace
    m = ws.metrics[metric_id]
    return {
        "id": m.id,
        "name": m.label,
        "kind": m.kind.value,
        "owner": m.owner,
        "status": m.status.value,
        "north_star": m.id == ws.config.north_star,
        "depth": tree.depth.get(m.id),
        "layer": tree.layer.get(m.id),
        "sliceable": sliceable,
    }


def _misalignments(engine: Engine, tree: MetricTree, edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = [
        {"kind": "no_path_to_kpi", "metric": m.id, "message": f"{m.kind.value} metric {m.id} moves no KPI"}
        for m in unconnected(engine.workspace, tree)
    ]
    out += [
        {"kind": "kpi_without_driver", "metric": k, "message": f"KPI {k} has no metric declared to move it"}
        for k in kpis_without_driver(tree)
    ]
    out += [
        {
            "kind": "contradicted_link",
            "metric": e["from"],
            "link": e["id"],
            "message": f"{e['from']} -> {e['to']} is declared {e['sign']}, the data says the opposite",
        }
        for e in edges
        if e["evidence"]["verdict"] == Verdict.CONTRADICTS.value
    ]
    return out
