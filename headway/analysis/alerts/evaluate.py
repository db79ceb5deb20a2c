"""From a series and its bands to decisions: which points breach, and when an alert fires.

Direction-aware (only the bad side of a metric with a direction), with floors on the
absolute and relative change and a minimum volume so quiet periods do not page, bands
clamped to physical bounds, and "k of the last n points" triggers with a recovery window.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from headway.analysis.alerts import baselines, weekly
from headway.spec.alerts import AlertRule, Baseline, Watch, Weekly
from headway.spec.models import Agg, Direction, Grain, Metric

SEASON = {Grain.DAY: 7, Grain.WEEK: 52, Grain.MONTH: 12, Grain.QUARTER: 4}  # weekly, then yearly
WEEK_DAYS = 7  # same_weekday: the rolling window's step at day grain
SHARE_UNITS = {"share", "ratio", "rate", "percent_of_1"}


class Skip(StrEnum):
    NO_DATA = "no_data"
    NO_BASELINE = "no_baseline"  # not enough history yet
    LOW_VOLUME = "low_volume"


class State(StrEnum):
    NORMAL = "normal"
    PENDING = "pending"
    FIRING = "firing"


@dataclass(frozen=True)
class Point:
    period: str
    value: float | None
    n: int | None
    expected: float | None
    low: float | None
    high: float | None
    breach: str | None = None  # "up" or "down"
    skip: Skip | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "value": self.value,
            "expected": self.expected,
            "low": self.low,
            "high": self.high,
            "direction": self.breach,
        }


@dataclass(frozen=True)
class Evaluation:
    points: list[Point]
    states: list[State]
    fired: list[Point]  # the point at which each alert started firing
    note: str = ""
    noted: list[bool] | None = None  # the points the note applies to


def physical_bounds(rule: AlertRule, metric: Metric) -> tuple[float, float]:
    """The rule's bounds, else [0, 1] for a share and [0, ∞) for counts."""
    low, high = -np.inf, np.inf
    agg = metric.measure.agg if metric.measure else None
    if (metric.unit or "").lower() in SHARE_UNITS:
        low, high = 0.0, 1.0
    elif agg in (Agg.COUNT, Agg.COUNT_DISTINCT):
        low = 0.0
    if rule.bounds is not None:
        low = rule.bounds.min if rule.bounds.min is not None else low
        high = rule.bounds.max if rule.bounds.max is not None else high
    return low, high


def watched(rule: AlertRule, metric: Metric) -> set[str]:
    if rule.watch is Watch.AUTO:
        if metric.direction is Direction.INCREASE:
            return {"down"}
        if metric.direction is Direction.DECREASE:
            return {"up"}
        return {"up", "down"}
    return {"up", "down"} if rule.watch is Watch.BOTH else {rule.watch.value}


def bands_for(rule: AlertRule, metric: Metric, values: np.ndarray, grain: Grain) -> baselines.Bands:
    season = SEASON.get(grain)
    match rule.baseline:
        case Baseline.STATIC:
            low, high = rule.low, rule.high
            if low is None and high is None and metric.target and metric.target.tolerance is not None:
                low, high = metric.target.value - metric.target.tolerance, metric.target.value + metric.target.tolerance
            return baselines.static(len(values), low, high)
        case Baseline.ROLLING:
            if rule.same_weekday and grain is not Grain.DAY:
                found = baselines.rolling(values, rule.window, rule.k)
                note = f"same_weekday needs day grain; {grain.value} uses the whole trailing window"
                return baselines.Bands(found.expected, found.low, found.high, note, np.ones(len(values), dtype=bool))
            if grain is Grain.DAY and rule.weekly == Weekly.AUTO and not rule.same_weekday:
                found, adjusted = weekly.weekday_adjusted(values, rule.window, rule.k)
                return baselines.Bands(found.expected, found.low, found.high, "", adjusted)  # the variant names it
            return baselines.rolling(values, rule.window, rule.k, WEEK_DAYS if rule.same_weekday else 1)
        case Baseline.SEASONAL:
            if season is None:
                found = baselines.rolling(values, rule.window, rule.k)
                note = f"{grain.value} has no season: rolling used"
                return baselines.Bands(found.expected, found.low, found.high, note, np.ones(len(values), dtype=bool))
            return baselines.seasonal(values, season, rule.window, rule.k)
        case Baseline.SMOOTHING:
            return baselines.smoothing(values, season, rule.level)
    raise ValueError(rule.baseline)  # pragma: no cover - exhaustive


def _num(value: float) -> float | None:
    return None if np.isnan(value) or np.isinf(value) else float(value)


def decide(rule: AlertRule, metric: Metric, rows: list[dict[str, Any]], grain: Grain) -> Evaluation:
    """Every point's band and breach, and the alert states a run through them produces."""
    values = np.array([np.nan if r.get("value") is None else float(r["value"]) for r in rows], dtype=float)
    bands = bands_for(rule, metric, values, grain)
    floor, ceiling = physical_bounds(rule, metric)
    low, high = np.clip(bands.low, floor, ceiling), np.clip(bands.high, floor, ceiling)
    sides = watched(rule, metric)
    points = []
    for i, row in enumerate(rows):
        value, n = values[i], row.get("n")
        skip: Skip | None = None
        breach = None
        if np.isnan(value):
            skip = Skip.NO_DATA
        elif np.isnan(low[i]) or np.isnan(high[i]):
            skip = Skip.NO_BASELINE
        elif rule.min_volume and (n is None or n < rule.min_volume):
            skip = Skip.LOW_VOLUME
        else:
            breach = _breach(rule, value, bands.expected[i], low[i], high[i], sides)
        points.append(
            Point(row["period"], _num(value), n, _num(bands.expected[i]), _num(low[i]), _num(high[i]), breach, skip)
        )
    states, fired = _run(rule, points)
    noted = None if bands.fallback is None else [bool(b) for b in bands.fallback]
    return Evaluation(points, states, fired, bands.note, noted)


def _breach(rule: AlertRule, value: float, expected: float, low: float, high: float, sides: set[str]) -> str | None:
    side = "up" if value > high else "down" if value < low else None
    if side is None or side not in sides:
        return None
    if not np.isnan(expected):
        change = abs(value - expected)
        if change < rule.min_abs_change or change < rule.min_rel_change * abs(expected):
            return None
    return side


def _run(rule: AlertRule, points: list[Point]) -> tuple[list[State], list[Point]]:
    """k of the last n points breach: firing; `recover` points in a row without one: normal."""
    recent: deque[bool] = deque(maxlen=rule.trigger.of)
    state, calm = State.NORMAL, 0
    states, fired = [], []
    for point in points:
        if point.skip is Skip.NO_DATA or point.skip is Skip.NO_BASELINE:
            states.append(state)  # no evidence either way: hold the state
            continue
        hit = point.breach is not None
        recent.append(hit)
        if state is State.FIRING:
            calm = 0 if hit else calm + 1
            if calm >= rule.recover:
                state, calm = State.NORMAL, 0
                recent.clear()
        elif sum(recent) >= rule.trigger.points:
            state = State.FIRING
            fired.append(point)
        else:
            state = State.PENDING if hit else State.NORMAL
        states.append(state)
    return states, fired
