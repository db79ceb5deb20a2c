"""The tree with evidence on every link and the misalignments it reveals: what /tree and `headway tree` show.

Series come from `Engine.query` (one query per metric at week grain, cached by the engine);
everything after that is numbers. A dimension filter slices with `by=` and keeps the chosen
value's rows, so no user text is ever written into a query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from headway.analysis.evidence import Evidence, Grade, Verdict, grade_link
from headway.analysis.tree import Link, MetricTree, build_tree, kpis_without_driver, unconnected
from headway.engine import Actor, Engine, Failure, Query, QueryError
from headway.engine.access import RESTRICTED, restricted_part
from headway.errors import HeadwayError
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


def fetch_series(
    engine: Engine, metric_ids: list[str], where: Filter | None, *, actor: Actor
) -> dict[str, Series | str]:
    """Each metric per complete week (its first, partial week dropped), for one dimension value if asked.

    One `Engine.query_many` call; a metric that fails or that `actor` may not read comes back as
    the reason code instead of a series.
    """
    by = (where.dimension,) if where else ()
    spans = {m: _span(engine, m) for m in metric_ids}
    known = [s for s in spans.values() if s is not None]
    # one explicit range for all: without dimensions, the engine then answers them in one shared query
    first, last = (min(s[0] for s in known), max(s[1] for s in known)) if known and not by else (None, None)
    answers = engine.query_many([Query(m, GRAIN, by, first, last) for m in metric_ids], actor=actor)
    out: dict[str, Series | str] = {}
    for metric_id, answer in zip(metric_ids, answers, strict=True):
        span = spans[metric_id]
        if isinstance(answer, Failure) or span is None:
            forbidden = isinstance(answer, Failure) and answer.error.code == "forbidden"
            out[metric_id] = "restricted" if forbidden else "no_data"
            continue
        rows = [r for r in answer.rows if r["complete"] and r["period"] >= span[0]]
        if where is not None:
            rows = [r for r in rows if r.get(where.dimension) is not None and str(r[where.dimension]) == where.value]
        out[metric_id] = {r["period"].isoformat(): r["value"] for r in rows}
    return out


def _span(engine: Engine, metric_id: str) -> tuple[dt.date, dt.date] | None:
    try:
        return engine.data_range(metric_id)
    except HeadwayError:
        return None


def link_evidence(link: Link, driver: Series | str, target: Series | str) -> Evidence:
    """The evidence for one link from its two series (or the reason one of them is missing)."""
    for side in (driver, target):
        if isinstance(side, str) or not side:
            reason = side if isinstance(side, str) else "no_data"
            return Evidence(Grade.HYPOTHESIS, declared_sign=link.sign_value, reason=reason, period=GRAIN.value)
    assert not isinstance(driver, str) and not isinstance(target, str)
    periods = sorted(driver.keys() & target.keys())
    x = np.array([_num(driver[p]) for p in periods], dtype=float)
    y = np.array([_num(target[p]) for p in periods], dtype=float)
    return grade_link(x, y, link.sign_value, link.max_lag(), GRAIN.value)


def _num(value: Any) -> float:
    return float("nan") if value is None else float(value)


def tree_report(engine: Engine, where: Filter | None = None, *, actor: Actor) -> dict[str, Any]:
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
    fetched = fetch_series(engine, needed, where, actor=actor)
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
        "nodes": [_node_json(engine, tree, m, m in sliceable, actor) for m in tree.members()],
        "edges": edges,
        "counters": [{"metric": g, "counter": c} for g, c in tree.counters],
        "misalignments": _misalignments(engine, tree, edges),
    }


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


def _node_json(engine: Engine, tree: MetricTree, metric_id: str, sliceable: bool, actor: Actor) -> dict[str, Any]:
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
        "readable": RESTRICTED in actor.rights or restricted_part(ws, metric_id) is None,
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
