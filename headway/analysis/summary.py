"""The latest value of each metric, honest about periods that are not over yet.

A week that ends tomorrow is not comparable with the last full week, so the
headline value is the last *complete* period; the partial one is reported
beside it, labelled as such. Each metric is summarized alone: one that fails
carries its reason (a closed code and a message) and never takes the others down.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache

from headway.analysis.verdict import verdict
from headway.engine import Actor, Compare, Engine, Query, Reason, Result
from headway.engine.access import check_access
from headway.engine.results import json_value
from headway.errors import HeadwayError
from headway.spec.graph import leaves, time_column
from headway.spec.models import Grain, Metric

log = logging.getLogger("headway.analysis")
HISTORY = 3  # periods fetched: enough for a complete one, its predecessor, and a partial one
KIND_ORDER = {"kpi": 0, "delivery": 1, "counter": 2, "health": 3, "input": 4}


@dataclass(frozen=True)
class MetricSummary:
    metric: Metric
    grain: Grain
    period: dt.date | None = None
    value: float | int | None = None
    n: int | None = None
    previous_value: float | int | None = None
    change: float | None = None
    change_pct: float | None = None
    partial_period: dt.date | None = None
    partial_value: float | int | None = None
    data_through: dt.date | None = None
    reason: str | None = None  # a Reason code: why there is no value, when there is none
    detail: str | None = None  # the message behind an error reason (no server paths, no SQL)
    timeless: bool = False

    @property
    def failed(self) -> bool:
        return self.reason in _ERRORS

    def to_json(self) -> dict[str, Any]:
        m = self.metric
        latest = None
        if self.period is not None or (self.timeless and self.reason is None):
            latest = {
                "period": json_value(self.period),
                "value": self.value,
                "n": self.n,
                "previous_value": self.previous_value,
                "change": self.change,
                "change_pct": self.change_pct,
                "verdict": verdict(m.direction.value if m.direction else None, self.change),
                "complete": True,
            }
        partial = None
        if self.partial_period is not None:
            partial = {"period": json_value(self.partial_period), "value": self.partial_value, "complete": False}
        return {
            "id": m.id,
            "name": m.label,
            "kind": m.kind.value,
            "unit": m.unit,
            "owner": m.owner,
            "direction": m.direction.value if m.direction else None,
            "status": m.status.value,
            "grain": self.grain.value,
            "latest": latest,
            "partial": partial,
            "data_through": json_value(self.data_through),
            "reason": self.reason,
            "detail": self.detail,
        }


_ERRORS = {
    Reason.DATA_ERROR.value,
    Reason.DATA_CHANGED.value,
    Reason.ENGINE_ERROR.value,
    Reason.BAD_QUERY.value,
    Reason.INTERNAL_ERROR.value,
}


def summarize(engine: Engine, metric_id: str, grain: Grain | None = None, *, actor: Actor) -> MetricSummary:
    """One metric's headline, or its reason for having none; never raises for a metric's own failure."""
    ws = engine.workspace
    metric = ws.metrics[metric_id]
    grain = grain or ws.grain_of(metric_id)
    try:
        check_access(ws, actor, metric_id)
        if _timeless(engine, metric_id):
            return _all_time(engine, metric, grain, actor)
        return _latest(engine, metric, grain, actor)
    except HeadwayError as error:
        code = error.code if error.code in {r.value for r in Reason} else _family(error)
        return MetricSummary(metric, grain, reason=code, detail=error.message)
    except Exception as error:  # an unforeseen fault in one metric must not take the overview down
        log.exception("summarizing %s failed", metric_id)
        return MetricSummary(metric, grain, reason=Reason.INTERNAL_ERROR.value, detail=type(error).__name__)


def _family(error: HeadwayError) -> str:
    if error.status == 403:
        return Reason.FORBIDDEN.value
    if error.status < 500:
        return Reason.BAD_QUERY.value
    return Reason.ENGINE_ERROR.value if error.code == "engine_error" else Reason.DATA_ERROR.value


def _timeless(engine: Engine, metric_id: str) -> bool:
    ws = engine.workspace
    for leaf_id in leaves(ws.metrics, metric_id):
        metric = ws.metrics[leaf_id]
        if time_column(metric, ws.sources[metric.source or ""]) is not None:
            return False
    return True


def _all_time(engine: Engine, metric: Metric, grain: Grain, actor: Actor) -> MetricSummary:
    """A metric on a source without a time column has one all-time value: show it, not 'no data'."""
    rows = engine.query(Query(metric.id, grain), actor=actor).rows
    row = rows[0] if rows else {}
    if row.get("value") is None:
        return MetricSummary(metric, grain, reason=Reason.NO_DATA.value, timeless=True)
    return MetricSummary(metric, grain, value=row["value"], n=row.get("n"), timeless=True)


@dataclass(frozen=True)
class _Ask:
    """The query behind a metric's headline, and what is needed to read its answer."""

    query: Query
    first: dt.date
    last_day: dt.date


def _ask(engine: Engine, metric: Metric, grain: Grain) -> _Ask | MetricSummary:
    span = engine.data_range(metric.id)
    if span is None:
        return MetricSummary(metric, grain, reason=Reason.NO_DATA.value)
    calendar = engine.calendar()
    last_day = engine.data_through(metric.id) or span[1]
    first = max(span[0], calendar.shift(calendar.start(last_day, grain), grain, -(HISTORY - 1)))
    query = Query(metric.id, grain, start=first, end=max(last_day, first), compare=Compare.PREVIOUS)
    return _Ask(query, first, last_day)


def _latest(engine: Engine, metric: Metric, grain: Grain, actor: Actor) -> MetricSummary:
    ask = _ask(engine, metric, grain)
    if isinstance(ask, MetricSummary):
        return ask
    return _read(metric, grain, ask, engine.query(ask.query, actor=actor).rows)


def _read(metric: Metric, grain: Grain, ask: _Ask, rows: list[dict[str, Any]]) -> MetricSummary:
    complete = [r for r in rows if r["complete"]]
    newest = complete[-1]["period"] if complete else ask.first
    partial = [r for r in rows if not r["complete"] and r["period"] > newest]
    base: dict[str, Any] = {"data_through": ask.last_day}
    if partial:
        base.update(partial_period=partial[-1]["period"], partial_value=partial[-1]["value"])
    if not complete:
        return MetricSummary(metric, grain, reason=Reason.NO_COMPLETE_PERIOD.value, **base)
    row = complete[-1]
    previous = row.get("compare_value") if row.get("compare_complete") else None
    return MetricSummary(
        metric,
        grain,
        period=row["period"],
        value=row["value"],
        n=row["n"],
        previous_value=previous,
        change=row.get("change") if previous is not None else None,
        change_pct=row.get("change_pct") if previous is not None else None,
        reason=row.get("reason"),
        **base,
    )


class Overview:
    """Every metric's summary, computed once per (spec, data versions, actor's policy) and then served from memory."""

    def __init__(self, engine: Engine, size: int = 16):
        self.engine = engine
        self._cache: LRUCache[tuple[Any, ...], list[MetricSummary]] = LRUCache(maxsize=size)
        self._lock = threading.Lock()

    def summaries(self, actor: Actor, versions: tuple[tuple[str, str], ...] | None = None) -> list[MetricSummary]:
        """`versions`: `engine.data_versions()` when the caller listed the files already (one listing per request)."""
        key = (self.engine.workspace.spec_hash, versions or self.engine.data_versions(), actor.policy_key)
        with self._lock:
            found = self._cache.get(key)
        if found is None:
            found = summarize_all(self.engine, actor=actor)
            with self._lock:
                self._cache[key] = found
        return found


def summarize_all(engine: Engine, *, actor: Actor) -> list[MetricSummary]:
    """Every metric's headline; the metrics whose latest periods line up are computed in one shared query."""
    metrics = sorted(engine.workspace.metrics.values(), key=lambda m: (KIND_ORDER[m.kind.value], m.id))
    done: dict[str, MetricSummary] = {}
    asks: dict[str, _Ask] = {}
    for m in metrics:
        grain = engine.workspace.grain_of(m.id)
        try:
            check_access(engine.workspace, actor, m.id)
            found = None if _timeless(engine, m.id) else _ask(engine, m, grain)
        except Exception:  # summarize() below reports it with its reason
            found = None
        if isinstance(found, _Ask):
            asks[m.id] = found
        elif isinstance(found, MetricSummary):
            done[m.id] = found
    answers = engine.query_many([a.query for a in asks.values()], actor=actor) if asks else []
    for (metric_id, ask), answer in zip(asks.items(), answers, strict=True):
        if isinstance(answer, Result):
            metric = engine.workspace.metrics[metric_id]
            done[metric_id] = _read(metric, ask.query.grain, ask, answer.rows)
    return [done.get(m.id) or summarize(engine, m.id, actor=actor) for m in metrics]
