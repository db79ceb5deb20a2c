"""The numbers an OKR is scored on, all through `Engine.query`: baseline, current value, last year's shape.

The baseline is the metric's value for its period (at the metric's grain) just before the quarter
starts. Once the quarter has started and that period is complete, it is frozen in the state
database, and every later score reads the frozen value, whatever the data says afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from headway.engine import Actor, Engine, Query
from headway.engine.calendar import Calendar
from headway.errors import HeadwayError
from headway.spec.models import Grain
from headway.store import StateStore
from headway.store.okr import freeze_baseline, frozen_baseline


@dataclass(frozen=True)
class Reading:
    """A value with the period it belongs to, or no value and a machine-readable reason."""

    value: float | None
    period: dt.date | None = None
    reason: str | None = None
    source: str = "data"  # data | frozen | declared | provisional
    captured_at: dt.datetime | None = None  # when a frozen value was captured (UTC)

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "period": self.period.isoformat() if self.period else None,
            "reason": self.reason,
            "source": self.source,
            "captured_at": self.captured_at.isoformat() if self.captured_at else None,
        }


@dataclass(frozen=True)
class Series:
    """One metric's values from the period before the quarter to the quarter's end."""

    grain: Grain
    rows: list[dict[str, Any]]
    error: str | None = None

    def at(self, period: dt.date) -> Reading:
        row = next((r for r in self.rows if r["period"] == period), None)
        if self.error is not None:
            return Reading(None, period, self.error)
        if row is None:
            return Reading(None, period, "no_data")
        if not row["complete"]:
            return Reading(None, period, "partial_period")
        value = row["value"]
        return Reading(
            float(value) if value is not None else None, period, None if value is not None else row["reason"]
        )


@dataclass(frozen=True)
class Span:
    """A quarter seen at one metric's grain."""

    first: dt.date
    last: dt.date
    grain: Grain
    calendar: Calendar

    @property
    def before(self) -> dt.date:
        """The metric's period holding the day before the quarter: the baseline period."""
        return self.calendar.start(self.first - dt.timedelta(days=1), self.grain)

    def last_day(self, period: dt.date) -> dt.date:
        return self.calendar.end(period, self.grain) - dt.timedelta(days=1)

    def year_ago(self) -> Span:
        return Span(minus_year(self.first), minus_year(self.last), self.grain, self.calendar)


def series(engine: Engine, metric_id: str, span: Span, actor: Actor) -> Series:
    query = Query(metric_id, span.grain, (), span.before, span.last)
    try:
        result = engine.query(query, actor=actor)
    except HeadwayError as error:
        return Series(span.grain, [], error.code)
    return Series(span.grain, list(result.rows))


def current(found: Series, span: Span, today: dt.date) -> Reading:
    """The last complete period inside the quarter, ending by `today`; with the reason when none has a value."""
    if found.error is not None:
        return Reading(None, None, found.error)
    inside = [
        r for r in found.rows if r["period"] > span.before and r["complete"] and span.last_day(r["period"]) <= today
    ]
    if not inside:
        return Reading(None, None, "no_complete_period")
    return found.at(inside[-1]["period"])


def baseline(
    found: Series,
    span: Span,
    today: dt.date,
    key: tuple[str, str, str, str] | None,
    store: StateStore | None,
    declared: float | None = None,
) -> Reading:
    """Declared, else frozen, else read from the data (and frozen now if the quarter has begun).

    A series the actor may not read (or that failed) shows no baseline either: a value frozen for
    the owner must not reach a viewer who is refused the metric.
    """
    if declared is not None:
        return Reading(declared, None, None, "declared")
    if found.error is not None:
        return Reading(None, None, found.error)
    objective_id, item, quarter, metric_id = key or ("", "", "", "")
    if store is not None and key is not None:
        stored = frozen_baseline(store, objective_id, item, quarter)
        if stored is not None:
            return Reading(stored.value, stored.period, None, "frozen", stored.captured_at)
    reading = found.at(span.before)
    if reading.value is None or store is None or key is None or today < span.first:
        source = "data" if store is None and reading.value is not None else "provisional"
        return Reading(reading.value, reading.period, reading.reason, source if reading.value is not None else "data")
    stored = freeze_baseline(store, objective_id, item, quarter, metric_id, span.before, reading.value)
    return Reading(stored.value, stored.period, None, "frozen", stored.captured_at)


def minus_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
