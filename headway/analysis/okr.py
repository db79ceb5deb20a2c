"""OKR report: every objective of a quarter with its key results scored, paced and checked against guardrails.

`okr_report(engine, period, actor=...)` is the one entry point (the API, the page, the CLI and the
review pack read it). Values come from `Engine.query`; the arithmetic is in `okr_score`, the
readings in `okr_values`, guardrails and check-ins in `okr_guard`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from headway.analysis import okr_score as sc
from headway.analysis.okr_guard import checkin_summary, guardrail_report, push_and_protect
from headway.analysis.okr_values import Reading, Span, baseline, current, minus_year, series
from headway.engine import Actor, Engine
from headway.spec.models import Direction
from headway.spec.objectives import KeyResult, Objective, ObjectiveSpec, kr_direction, load_objectives, quarter_bounds
from headway.store import StateStore
from headway.store.okr import list_checkins


def workspace_today(engine: Engine) -> dt.date:
    return dt.datetime.now(ZoneInfo(engine.workspace.config.timezone)).date()


def okr_report(
    engine: Engine,
    period: str | None = None,
    *,
    actor: Actor,
    store: StateStore | None = None,
    today: dt.date | None = None,
    spec: ObjectiveSpec | None = None,
) -> dict[str, Any]:
    """Every objective of `period` (default: every period), scored. Without `store` nothing is frozen."""
    spec = spec or load_objectives(engine.workspace)[0]
    now = today or workspace_today(engine)
    chosen = [o for o in spec.objectives.values() if period is None or o.period == period]
    checkins = list_checkins(store, [o.id for o in chosen]) if store is not None and chosen else []
    objectives = [
        objective_report(engine, spec, o, actor=actor, store=store, today=now, checkins=checkins) for o in chosen
    ]
    return {"period": period, "periods": spec.periods(), "today": now.isoformat(), "objectives": objectives}


def objective_report(
    engine: Engine,
    spec: ObjectiveSpec,
    objective: Objective,
    *,
    actor: Actor,
    store: StateStore | None,
    today: dt.date,
    checkins: list[Any],
) -> dict[str, Any]:
    first, last = quarter_bounds(objective.period)
    krs = [
        _key_result(engine, objective, i, actor=actor, store=store, today=today, first=first, last=last)
        for i in range(len(objective.key_results))
    ]
    guards = guardrail_report(engine, objective, actor=actor, store=store, today=today, first=first, last=last)
    mine = [c for c in checkins if c.objective_id == objective.id]
    for kr in krs:
        kr["checkins"] = checkin_summary(mine, kr["id"], objective, first, last, today)
    statuses = [sc.OkrStatus(k["status"]) for k in krs if k["status"] is not None]
    scores = [k["score"] for k in krs if k["score"] is not None]
    weakest = sc.weakest(statuses)
    return {
        "id": objective.id,
        "period": objective.period,
        "starts": first.isoformat(),
        "ends": last.isoformat(),
        "objective": objective.objective,
        "owner": objective.owner,
        "team": objective.team,
        "parent": objective.parent,
        "children": sorted(o.id for o in spec.objectives.values() if o.parent == objective.id),
        "where": spec.where(objective.id),
        "description": objective.description,
        "score": sum(scores) / len(scores) if scores else None,
        "status": weakest.value if weakest else None,
        "reason": None if weakest else "no_scored_key_result",
        "key_results": krs,
        "guardrails": guards,
        "flags": push_and_protect(krs, guards),
        "stale": any(k["checkins"]["stale"] for k in krs),
    }


def _key_result(
    engine: Engine,
    objective: Objective,
    index: int,
    *,
    actor: Actor,
    store: StateStore | None,
    today: dt.date,
    first: dt.date,
    last: dt.date,
) -> dict[str, Any]:
    kr = objective.key_results[index]
    kr_id = objective.kr_id(index)
    base = _base(objective, kr, kr_id, engine)
    if kr.is_milestone:
        as_of = min(today, last)
        state = sc.milestone_status(kr.done, kr.due, as_of)
        return {**base, "score": sc.milestone_score(kr.done), "status": state.value, "expected_now": None}
    assert kr.metric is not None and kr.target is not None
    ws = engine.workspace
    span = Span(first, last, ws.grain_of(kr.metric), engine.calendar())
    found = series(engine, kr.metric, span, actor)
    key = (objective.id, f"kr:{kr_id}", objective.period, kr.metric)
    start = baseline(found, span, today, key, store, kr.baseline)
    now = current(found, span, today)
    out = {**base, "grain": span.grain.value, "baseline": start.to_json(), "current": now.to_json()}
    if start.value is None or now.value is None or now.period is None:
        reason = found.error or _missing(start, now)
        return {**out, "score": None, "status": None, "expected_now": None, "reason": reason}
    sign = 1 if base["direction"] == Direction.INCREASE.value else -1
    as_of = min(span.last_day(now.period), last)
    share, shape_note = _share(engine, kr, span, as_of, actor)
    value = sc.score(now.value, start.value, kr.target, sign)
    expected_now = sc.expected(share, kr.commitment.value)
    return {
        **out,
        "score": value,
        "as_of": as_of.isoformat(),
        "elapsed": sc.elapsed_share(first, last, as_of),
        "expected_share": share,
        "expected_now": expected_now,
        "pace_note": shape_note,
        "status": sc.status(value, expected_now).value,
        "improving": sign * (now.value - start.value) > 0,
        "change": now.value - start.value,
    }


def _missing(start: Reading, now: Reading) -> str:
    """Why a key result has no score: its baseline, or its current value, is missing (and why)."""
    if start.value is None:
        return "no_baseline:" + (start.reason or "no_data")
    return now.reason or "no_data"


def _base(objective: Objective, kr: KeyResult, kr_id: str, engine: Engine) -> dict[str, Any]:
    metric = engine.workspace.metrics.get(kr.metric or "")
    direction = kr_direction(kr, metric)
    return {
        "id": kr_id,
        "name": kr.name or kr.milestone or (f"{metric.label} to {kr.target:g}" if metric else kr_id),
        "kind": "milestone" if kr.is_milestone else "metric",
        "metric": kr.metric,
        "unit": metric.unit if metric else None,
        "target": kr.target,
        "direction": direction.value if direction else None,
        "commitment": kr.commitment.value,
        "pace": kr.pace.value,
        "done": kr.done if kr.is_milestone else None,
        "due": kr.due.isoformat() if kr.due else None,
        "reason": None,
    }


def _share(engine: Engine, kr: KeyResult, span: Span, as_of: dt.date, actor: Actor) -> tuple[float, str | None]:
    """Share of the quarter's progress expected by `as_of`: linear, or last year's shape when it exists."""
    linear = sc.elapsed_share(span.first, span.last, as_of)
    if kr.pace.value == "linear":
        return linear, None
    assert kr.metric is not None
    before = span.year_ago()
    last_year = series(engine, kr.metric, before, actor)
    cal = span.calendar
    at_now = cal.start(minus_year(as_of), span.grain)
    share = sc.seasonal_share(
        last_year.at(before.before).value,
        last_year.at(at_now).value,
        last_year.at(cal.start(before.last, span.grain)).value,
    )
    if share is None:
        return linear, "seasonal pace needs last year's values for this quarter; linear used instead"
    return share, f"seasonal: last year's {kr.metric} had made {share:.0%} of its quarter's move by this point"


__all__ = ["Reading", "objective_report", "okr_report"]
