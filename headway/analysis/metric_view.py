"""One metric at a chosen grain, range, drill-down and filters: the numbers behind /metrics/{id}.

Filters ("plan = pro") are applied by slicing with `by=` and keeping the chosen value's rows, so a
drill-down click never writes user text into a query. Each row says whether its period is over.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from headway.analysis.alignment import fetch_series, link_evidence
from headway.analysis.tree import Link, build_tree
from headway.engine import Actor, Compare, Engine, Query, QueryError
from headway.engine.results import json_row
from headway.spec.graph import available_dimensions
from headway.spec.issues import choices_hint
from headway.spec.models import Grain

MAX_FILTERS = 4


@dataclass(frozen=True)
class View:
    grain: Grain
    start: dt.date | None = None
    end: dt.date | None = None
    by: str | None = None
    filters: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    compare: Compare = Compare.PREVIOUS


def parse_filter(text: str) -> tuple[str, str]:
    """`plan=pro` -> ("plan", "pro"); the value may hold any character, including '='."""
    dimension, sep, value = text.partition("=")
    if not sep or not dimension.strip():
        raise QueryError(f"filter '{text}' is not DIM=VALUE", "For example filter=plan=pro.", code="bad_filter")
    return dimension.strip(), value


def metric_view(engine: Engine, metric_id: str, view: View, *, actor: Actor) -> dict[str, Any]:
    ws = engine.workspace
    dims = available_dimensions(ws.metrics, metric_id)
    _check(metric_id, dims, view)
    by = tuple(d for d, _ in view.filters) + ((view.by,) if view.by else ())
    query = Query(metric_id, view.grain, by, view.start, view.end, None, view.compare)
    result = engine.query(query, actor=actor)
    rows = [r for r in result.rows if all(_same(r.get(d), v) for d, v in view.filters)]
    drop = {d for d, _ in view.filters}
    shown = [json_row({k: v for k, v in r.items() if k not in drop}) for r in rows]
    through = result.data_through
    return {
        "metric": metric_id,
        "grain": view.grain.value,
        "from": view.start.isoformat() if view.start else None,
        "to": view.end.isoformat() if view.end else None,
        "by": view.by,
        "filters": [{"dimension": d, "value": v} for d, v in view.filters],
        "compare": view.compare.value,
        "dimensions": dims,
        "data_through": through.isoformat() if through else None,
        "rows": shown,
        "integer_values": all(_is_int(r.get("value")) for r in shown if r.get("value") is not None),
        "sql": engine.sql(query, actor=actor),
    }


def _check(metric_id: str, dims: list[str], view: View) -> None:
    if len(view.filters) > MAX_FILTERS:
        raise QueryError(f"at most {MAX_FILTERS} filters, got {len(view.filters)}", code="bad_filter")
    named = [d for d, _ in view.filters] + ([view.by] if view.by else [])
    for dim in named:
        if dim not in dims:
            declared = ", ".join(dims) or "none"
            raise QueryError(
                f"metric '{metric_id}' has no dimension '{dim}' (declared: {declared})",
                choices_hint(dim, dims, "a declared dimension") if dims else "",
                code="unknown_dimension",
            )
    if len(set(named)) != len(named):
        raise QueryError("a dimension is both filtered and drilled into", "Drill into another dimension.")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _same(value: Any, wanted: str) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return str(value).lower() == wanted.lower()
    return str(value) == wanted


def links_of(engine: Engine, metric_id: str, *, actor: Actor) -> dict[str, list[dict[str, Any]]]:
    """The links into and out of one metric, each with its evidence (the tree's grading, for one node)."""
    tree = build_tree(engine.workspace)
    drivers, driven = tree.drivers(metric_id), tree.driven(metric_id)
    needed = {metric_id} | {k.driver for k in drivers} | {k.target for k in driven}
    fetched = fetch_series(engine, sorted(needed), None, actor=actor)

    def graded(link: Link) -> dict[str, Any]:
        ev = link_evidence(link, fetched[link.driver], fetched[link.target])
        return {"id": link.key, "from": link.driver, "to": link.target, "sign": link.sign.value, "lag": link.lag,
                "note": link.note, "evidence": ev.to_json()}  # fmt: skip

    return {"drivers": [graded(k) for k in drivers], "driven": [graded(k) for k in driven]}
