"""Run a rule over a metric's history: a backtest for tuning, or the latest decision for a live run.

The series comes from `Engine.query` like every other number; enough history before the
first evaluated period is fetched for the baseline to exist there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from headway.analysis.alerts.evaluate import SEASON, Evaluation, Point, decide
from headway.engine import Engine, Query
from headway.engine.calendar import Calendar
from headway.spec.alerts import AlertRule, Baseline
from headway.spec.models import Grain


@dataclass(frozen=True)
class RuleRun:
    rule: AlertRule
    metric_id: str
    grain: Grain
    evaluation: Evaluation
    first: str  # the first period evaluated (earlier ones are history only)

    @property
    def evaluated(self) -> list[Point]:
        return [p for p in self.evaluation.points if p.period >= self.first]

    def alerts(self) -> list[Point]:
        return [p for p in self.evaluation.fired if p.period >= self.first]

    @property
    def note(self) -> str | None:
        """The baseline's note, when it applies to an evaluated point."""
        ev = self.evaluation
        if not ev.note or ev.noted is None:
            return ev.note or None
        hit = any(flag for p, flag in zip(ev.points, ev.noted, strict=True) if p.period >= self.first)
        return ev.note if hit else None

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule.id,
            "metric": self.metric_id,
            "grain": self.grain.value,
            "baseline": self.rule.baseline.value,
            "note": self.note,
            "alerts": [p.to_json() for p in self.alerts()],
        }


def history_periods(rule: AlertRule, grain: Grain) -> int:
    season = SEASON.get(grain, 1)
    match rule.baseline:
        case Baseline.STATIC:
            return 0
        case Baseline.ROLLING:
            return rule.window
        case Baseline.SEASONAL:
            return max(rule.window, 3 * season) + season * 3
        case Baseline.SMOOTHING:
            return max(4 * season, 60) + 365
    return rule.window  # pragma: no cover


def run_rule(engine: Engine, rule: AlertRule, start: dt.date, end: dt.date, metric_id: str | None = None) -> RuleRun:
    """The rule over [start, end] (inclusive local days), with history fetched before `start`."""
    ws = engine.workspace
    metric_id = metric_id or rule.metric
    grain = rule.grain or ws.grain_of(metric_id)
    calendar = Calendar(ws.config.week_start)
    first = calendar.start(start, grain)
    since = calendar.shift(first, grain, -history_periods(rule, grain))
    rows = engine.query(Query(metric_id, grain, start=since, end=end)).rows
    rows = [r for r in rows if r.get("period")]
    evaluation = decide(rule, ws.metrics[metric_id], rows, grain)
    return RuleRun(rule, metric_id, grain, evaluation, first.isoformat())


def run_latest(engine: Engine, rule: AlertRule, periods: int = 1) -> RuleRun | None:
    """The rule over the last `periods` complete periods of data, or None when there is no data."""
    ws = engine.workspace
    grain = rule.grain or ws.grain_of(rule.metric)
    through = engine.data_through(rule.metric)
    if through is None:
        return None
    calendar = Calendar(ws.config.week_start)
    last = calendar.start(through + dt.timedelta(days=1), grain)  # a period ending after `through` is not over
    last_complete = calendar.shift(last, grain, -1)
    first = calendar.shift(last_complete, grain, -(periods - 1))
    return run_rule(engine, rule, first, calendar.end(last_complete, grain) - dt.timedelta(days=1))
