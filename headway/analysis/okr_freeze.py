"""OKR baselines captured when the quarter starts, not when someone first looks at it.

A key result's (or guardrail's) baseline is its metric's value for the period just before the
quarter. It is due once the quarter has begun and that period is complete in the data. `freeze_due`
freezes every due baseline not frozen yet, by scoring the objectives that still lack one (the
scoring freezes what it reads, okr_values.baseline). `headway serve` calls it on a timer
(serve/okr_keeper.py), so a baseline is captured within one interval of the data completing its
period, and a revision of that period afterwards cannot move it. Without a server, any
`headway okr list` (a daily cron, say) does the same.
"""

from __future__ import annotations

import datetime as dt
import logging

from headway.analysis.okr import okr_report
from headway.engine import Actor, Engine
from headway.spec.objectives import Objective, ObjectiveSpec, guardrails_of, load_objectives, quarter_bounds
from headway.store import StateStore
from headway.store.okr import frozen_baseline

log = logging.getLogger("headway.analysis")


def baseline_keys(engine: Engine, objective: Objective) -> list[str]:
    """The items whose baseline Headway captures: metric key results without a declared one, and guardrails."""
    items = [
        f"kr:{objective.kr_id(i)}"
        for i, kr in enumerate(objective.key_results)
        if kr.metric is not None and kr.baseline is None
    ]
    return items + [f"guardrail:{g.metric}" for g in guardrails_of(engine.workspace, objective)]


def freeze_due(
    engine: Engine, store: StateStore, *, actor: Actor, today: dt.date, spec: ObjectiveSpec | None = None
) -> int:
    """Freeze every due baseline; the number frozen by this call (0 when all are frozen or none is due yet)."""
    spec = spec or load_objectives(engine.workspace)[0]
    begun = [o for o in spec.objectives.values() if quarter_bounds(o.period)[0] <= today]
    unfrozen = {o.id: _unfrozen(engine, store, [o]) for o in begun}  # read once: this count is also "before"
    todo = [o for o in begun if unfrozen[o.id]]
    if not todo:
        return 0
    before = sum(unfrozen[o.id] for o in todo)
    for objective in todo:  # one at a time: an objective edited into an error since start-up stops only itself
        chosen = ObjectiveSpec({objective.id: objective}, spec.origins)
        try:
            okr_report(engine, objective.period, actor=actor, store=store, today=today, spec=chosen)
        except Exception:
            log.exception("could not capture the baselines of objective %s", objective.id)
    return before - _unfrozen(engine, store, todo)


def _unfrozen(engine: Engine, store: StateStore, objectives: list[Objective]) -> int:
    return sum(
        frozen_baseline(store, o.id, item, o.period) is None for o in objectives for item in baseline_keys(engine, o)
    )
