"""Push and protect: guardrails an objective must not harm, and the check-ins kept on its key results.

A guardrail degrades when it moved the wrong way (by its metric's direction) from its value before
the quarter by more than its tolerance: the guardrail's own `tolerance`, else its metric's target
tolerance, else 5% of the baseline. A key result that improves while a guardrail degrades is
flagged on the objective.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from headway.analysis.okr_values import Span, baseline, current, series
from headway.engine import Actor, Engine
from headway.spec.models import Direction, duration_days
from headway.spec.objectives import Guardrail, Objective, guardrails_of
from headway.store import StateStore

DEFAULT_TOLERANCE_SHARE = 0.05


def guardrail_report(
    engine: Engine,
    objective: Objective,
    *,
    actor: Actor,
    store: StateStore | None,
    today: dt.date,
    first: dt.date,
    last: dt.date,
) -> list[dict[str, Any]]:
    return [
        _guardrail(engine, objective, g, actor=actor, store=store, today=today, first=first, last=last)
        for g in guardrails_of(engine.workspace, objective)
    ]


def _guardrail(
    engine: Engine,
    objective: Objective,
    guard: Guardrail,
    *,
    actor: Actor,
    store: StateStore | None,
    today: dt.date,
    first: dt.date,
    last: dt.date,
) -> dict[str, Any]:
    ws = engine.workspace
    metric = ws.metrics[guard.metric]
    span = Span(first, last, ws.grain_of(guard.metric), engine.calendar())
    found = series(engine, guard.metric, span, actor)
    key = (objective.id, f"guardrail:{guard.metric}", objective.period, guard.metric)
    start = baseline(found, span, today, key, store)
    now = current(found, span, today)
    out: dict[str, Any] = {
        "metric": guard.metric,
        "name": metric.label,
        "unit": metric.unit,
        "direction": metric.direction.value if metric.direction else None,
        "baseline": start.to_json(),
        "current": now.to_json(),
        "tolerance": None,
        "worse_by": None,
        "degraded": None,
        "reason": None,
    }
    if metric.direction is None or start.value is None or now.value is None:
        reason = "no_direction" if metric.direction is None else ("no_baseline" if start.value is None else now.reason)
        return {**out, "reason": reason}
    sign = 1 if metric.direction is Direction.INCREASE else -1
    tolerance = _tolerance(guard, metric.target.tolerance if metric.target else None, start.value)
    worse_by = -sign * (now.value - start.value)
    return {**out, "tolerance": tolerance, "worse_by": worse_by, "degraded": worse_by > tolerance}


def _tolerance(guard: Guardrail, metric_tolerance: float | None, base: float) -> float:
    if guard.tolerance is not None:
        return guard.tolerance
    if metric_tolerance is not None:
        return metric_tolerance
    return abs(base) * DEFAULT_TOLERANCE_SHARE


def push_and_protect(krs: list[dict[str, Any]], guards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One flag per (improving key result, degraded guardrail) pair."""
    flags = []
    for kr in krs:
        if not kr.get("improving"):
            continue
        for guard in guards:
            if guard["degraded"]:
                message = (
                    f"{kr['metric']} improves while guardrail {guard['metric']} is worse by "
                    f"{guard['worse_by']:.4g} (tolerance {guard['tolerance']:.4g})"
                )
                flags.append({"kr": kr["id"], "guardrail": guard["metric"], "message": message})
    return flags


def checkin_summary(
    checkins: list[Any], kr_id: str, objective: Objective, first: dt.date, last: dt.date, today: dt.date
) -> dict[str, Any]:
    """The history of one key result's check-ins, the latest confidence, and whether it is stale."""
    mine = [c for c in checkins if c.kr_id == kr_id]
    limit = duration_days(objective.stale_after)
    since = mine[-1].created_at.date() if mine else first
    active = first <= today <= last
    return {
        "history": [checkin_json(c) for c in mine],
        "latest_confidence": mine[-1].confidence if mine else None,
        "last_at": mine[-1].created_at.isoformat() if mine else None,
        "stale_after_days": limit,
        "stale": active and (today - since).days > limit,
    }


def checkin_json(c: Any) -> dict[str, Any]:
    return {
        "id": c.id,
        "objective": c.objective_id,
        "kr": c.kr_id,
        "at": c.created_at.isoformat(),
        "value": c.value,
        "comment": c.comment,
        "confidence": c.confidence,
        "blockers": c.blockers,
        "author": c.author,
    }
