"""Run a rule over a metric's history: a backtest for tuning, or the latest decision for a live run.

The series comes from `Engine.query` like every other number; enough history before the
first evaluated period is fetched for the baseline to exist there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from headway.analysis.alerts.evaluate import SEASON, Evaluation, Point, decide
from headway.analysis.alerts.variant import point_variant, summary, with_variant
from headway.engine import Actor, Engine, Query
from headway.engine.calendar import Calendar
from headway.spec.alerts import AlertRule, Baseline
from headway.spec.models import Grain

# Alert messages leave Headway for chat and email: the evaluator reads as a viewer, so a restricted
# metric is never sent to a channel (its rule fails with the reason instead).
ALERTS = Actor.viewer("headway-alerts")


@dataclass(frozen=True)
class RuleRun:
    rule: AlertRule
    metric_id: str
    grain: Grain
    evaluation: Evaluation
    first: str  # the first period evaluated (earlier ones are history only)
    series: dict[str, Any] = field(default_factory=dict)  # the slice, for a rule with `by`

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

    @cached_property
    def _noted(self) -> dict[str, bool]:
        """The evaluation's per-point flag by period, built once: `variant` is asked for every point."""
        ev = self.evaluation
        return dict(zip((p.period for p in ev.points), ev.noted or [], strict=False))

    def variant(self, point: Point) -> str | None:
        """The rolling band that judged `point` (plain, weekday-adjusted, same weekday); None for other baselines."""
        return point_variant(self.rule, self.grain, self._noted.get(point.period, False))

    @property
    def label(self) -> str:
        """`plan=pro, region=EU`, or empty for a rule without slices."""
        return ", ".join(f"{k}={v}" for k, v in self.series.items())


def backtest_json(runs: list[RuleRun], rule: AlertRule, metric_id: str, grain: Grain) -> dict[str, Any]:
    """`{"rule", "metric", "grain", "baseline", "variant", "note", "alerts": [{period, value, expected, low, high,
    direction}]}`; with `by`, each alert also names its `series`; a rolling rule's alerts name their `variant`."""
    alerts, used = [], []
    for run in runs:
        used += [run.variant(p) for p in run.evaluated if p.low is not None]
        for point in run.alerts():
            alert = with_variant(point.to_json(), run.variant(point))
            alerts.append({**alert, "series": run.series} if rule.by else alert)
    alerts.sort(key=lambda a: (a["period"], str(a.get("series", ""))))
    note = next((run.note for run in runs if run.note), None)
    return {
        "rule": rule.id,
        "metric": metric_id,
        "grain": grain.value,
        "baseline": rule.baseline.value,
        "variant": summary(used),
        "note": note,
        "alerts": alerts,
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


def run_rule(
    engine: Engine,
    rule: AlertRule,
    start: dt.date,
    end: dt.date,
    metric_id: str | None = None,
    *,
    actor: Actor = ALERTS,
) -> list[RuleRun]:
    """The rule over [start, end] (inclusive local days), history fetched before `start`: one run per slice."""
    ws = engine.workspace
    metric_id = metric_id or rule.metric
    grain = rule.grain or ws.grain_of(metric_id)
    calendar = Calendar(ws.config.week_start)
    first = calendar.start(start, grain)
    since = calendar.shift(first, grain, -history_periods(rule, grain))
    rows = engine.query(Query(metric_id, grain, by=tuple(rule.by), start=since, end=end), actor=actor).rows
    slices: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in rows:
        if row.get("period"):
            period = row["period"]
            text = period.isoformat() if isinstance(period, dt.date) else str(period)
            slices.setdefault(tuple(row.get(d) for d in rule.by), []).append({**row, "period": text})
    return [
        RuleRun(rule, metric_id, grain, decide(rule, ws.metrics[metric_id], part, grain), first.isoformat(), series)
        for key, part in sorted(slices.items(), key=lambda item: [str(v) for v in item[0]])
        for series in [dict(zip(rule.by, key, strict=True))]
    ]


def run_latest(engine: Engine, rule: AlertRule, periods: int = 1, *, actor: Actor = ALERTS) -> list[RuleRun] | None:
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
    return run_rule(engine, rule, first, calendar.end(last_complete, grain) - dt.timedelta(days=1), actor=actor)
