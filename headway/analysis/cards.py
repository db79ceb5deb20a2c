"""Overview cards: each metric's last complete period with its target, pace, changes, sparkline and freshness.

Two engine queries per metric (the last periods compared with the previous one, and with a year
before); counter-metrics are attached to the KPI they guard and flagged when the KPI improves
while its counter-metric degrades.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from headway.analysis.card_changes import tested, wants_stats
from headway.analysis.pace import assess, recent_pace
from headway.engine import Actor, Compare, Engine, Query
from headway.engine.access import check_access
from headway.engine.calendar import Calendar
from headway.engine.results import json_row
from headway.errors import HeadwayError
from headway.spec.models import Direction, Grain, Kind, Metric

SPARK = 12  # complete periods drawn in the sparkline
ROWS = (Kind.KPI, Kind.DELIVERY, Kind.HEALTH)
COMPARES = (Compare.PREVIOUS, Compare.YEAR_AGO)


@dataclass(frozen=True)
class Window:
    grain: Grain
    first: dt.date
    last_day: dt.date


def card(engine: Engine, metric_id: str, today: dt.date | None = None, *, actor: Actor) -> dict[str, Any]:
    """One metric's card; `today` (default: now in the workspace zone) dates the data's age."""
    ws = engine.workspace
    metric = ws.metrics[metric_id]
    grain = ws.grain_of(metric_id)
    base = _base(metric, grain, ws.config.north_star)
    try:
        window = _window(engine, metric_id, grain)
        if window is None:
            return {**base, "reason": "no_data"}
        check_access(ws, actor, metric_id)
        asked = _asked(metric, grain, window)
        rows, year = ([json_row(r) for r in engine.query(q, actor=actor).rows] for q in asked)
    except HeadwayError as error:
        return {**base, "reason": error.code, "error": error.message}
    calendar = Calendar(ws.config.week_start)
    done = [r for r in rows if r["complete"]]
    open_rows = [r for r in rows if not r["complete"]]
    now = today or dt.datetime.now(ZoneInfo(ws.config.timezone)).date()
    out = {
        **base,
        "data_through": window.last_day.isoformat(),
        "age_days": (now - window.last_day).days,
        "sparkline": [{"period": r["period"], "value": r["value"]} for r in done],
        "partial": {"period": open_rows[-1]["period"], "value": open_rows[-1]["value"]} if open_rows else None,
    }
    if not done:
        return {**out, "reason": "no_complete_period"}
    latest = done[-1]
    year_row = next((r for r in year if r["period"] == latest["period"]), {})
    out.update(
        period=latest["period"],
        value=latest["value"],
        integer=isinstance(latest["value"], int) and not isinstance(latest["value"], bool),
        n=latest["n"],
        previous={"period": latest.get("compare_period"), "value": latest.get("compare_value"),
                  "change_pct": latest.get("change_pct"), **tested(latest, metric)},
        year_ago={"period": year_row.get("compare_period"), "value": year_row.get("compare_value"),
                  "change_pct": year_row.get("change_pct"), **tested(year_row, metric)},
        pace=_pace(metric, latest, done, calendar, grain),
    )  # fmt: skip
    return out


def _base(metric: Metric, grain: Grain, north_star: str | None) -> dict[str, Any]:
    target = metric.target.model_dump(mode="json") if metric.target else None
    return {
        "id": metric.id,
        "name": metric.label,
        "kind": metric.kind.value,
        "unit": metric.unit,
        "direction": metric.direction.value if metric.direction else None,
        "owner": metric.owner,
        "status": metric.status.value,
        "grain": grain.value,
        "north_star": metric.id == north_star,
        "target": target,
        "reason": None,
    }


def _window(engine: Engine, metric_id: str, grain: Grain) -> Window | None:
    span = engine.data_range(metric_id)
    if span is None:
        return None
    last_day = engine.data_through(metric_id) or span[1]
    calendar = Calendar(engine.workspace.config.week_start)
    first = max(span[0], calendar.shift(calendar.start(last_day, grain), grain, -SPARK))
    return Window(grain, first, last_day)


def _sign(metric: Metric) -> int | None:
    if metric.direction is None:
        return None
    return 1 if metric.direction is Direction.INCREASE else -1


def _pace(
    metric: Metric, latest: dict[str, Any], done: list[dict[str, Any]], calendar: Calendar, grain: Grain
) -> dict[str, Any] | None:
    target = metric.target
    value = latest["value"]
    if target is None or value is None:
        return None
    period = dt.date.fromisoformat(latest["period"])
    if target.since is not None and calendar.end(period, grain) <= target.since:
        return {"status": "not_started", "since": target.since.isoformat()}
    left = None
    if target.by is not None:
        left = len(calendar.periods(calendar.end(period, grain), target.by, grain))
        left = left if calendar.end(period, grain) <= target.by else 0
    recent = recent_pace([r["value"] for r in done])
    tolerance = target.tolerance
    found = assess(value, target.value, direction=_sign(metric), tolerance=tolerance, periods_left=left, pace=recent)
    return found.to_json()


_cache: dict[tuple[Any, ...], dict[str, Any]] = {}
_lock = threading.Lock()


def overview_cards(
    engine: Engine,
    today: dt.date | None = None,
    *,
    actor: Actor,
    versions: tuple[tuple[str, str], ...] | None = None,
) -> dict[str, Any]:
    """The north star, then KPIs, delivery and health metrics, each KPI with its counter-metrics beside it.

    Kept per spec, data version (every source's files) and day: a page load reads only file metadata.
    `versions`: the engine's `data_versions()`, when the caller has just listed them.
    """
    now = _today(engine, today)
    key = _key(engine, now, actor, versions)
    with _lock:
        found = _cache.get(key)
    if found is None:
        found = _build(engine, now, actor)
        with _lock:
            _cache.clear()  # one overview per server is all a page needs
            _cache[key] = found
    return found


def cached_cards(
    engine: Engine, *, actor: Actor, versions: tuple[tuple[str, str], ...], today: dt.date | None = None
) -> dict[str, Any] | None:
    """The cards already built for these data versions (and today), or None: never builds them."""
    with _lock:
        return _cache.get(_key(engine, _today(engine, today), actor, versions))


def _today(engine: Engine, today: dt.date | None) -> dt.date:
    return today or dt.datetime.now(ZoneInfo(engine.workspace.config.timezone)).date()


def _key(engine: Engine, today: dt.date, actor: Actor, versions: tuple[tuple[str, str], ...] | None) -> tuple[Any, ...]:
    listed = versions if versions is not None else engine.data_versions()
    return (id(engine), engine.workspace.spec_hash, listed, today, actor.policy_key)


def _build(engine: Engine, today: dt.date, actor: Actor) -> dict[str, Any]:
    ws = engine.workspace
    order = {kind: i for i, kind in enumerate(ROWS)}
    chosen = sorted(
        (m for m in ws.metrics.values() if m.kind in order and m.status.value != "retired"),
        key=lambda m: (m.id != ws.config.north_star, order[m.kind], m.id),
    )
    _prefetch(engine, [m.id for m in chosen], actor)
    cards = {m.id: card(engine, m.id, today, actor=actor) for m in chosen}
    for metric in chosen:
        guards = [c for c in metric.counter_metrics if c in ws.metrics]
        cards[metric.id]["counters"] = [_counter(engine, cards[metric.id], c, cards, today, actor) for c in guards]
    rows = {kind.value: [cards[m.id] for m in chosen if m.kind is kind] for kind in ROWS}
    return {"north_star": ws.config.north_star, "rows": rows}


def _prefetch(engine: Engine, metric_ids: list[str], actor: Actor) -> None:
    """Every card's two queries in one `Engine.query_many` call: metrics over the same periods share
    scans, and each answer lands in the engine's cache, where `card` finds it."""
    asked = []
    for metric_id in metric_ids:
        grain = engine.workspace.grain_of(metric_id)
        try:
            window = _window(engine, metric_id, grain)
        except HeadwayError:
            continue  # `card` reports it
        if window is not None:
            asked += _asked(engine.workspace.metrics[metric_id], grain, window)
    engine.query_many(asked, actor=actor)


def _asked(metric: Metric, grain: Grain, window: Window) -> list[Query]:
    """A card's two queries, built in one place so that the prefetch and the card ask the same."""
    return [
        Query(metric.id, grain, (), window.first, window.last_day, None, c, stats=wants_stats(metric)) for c in COMPARES
    ]


def _counter(
    engine: Engine,
    guarded: dict[str, Any],
    counter_id: str,
    cards: dict[str, dict[str, Any]],
    today: dt.date | None,
    actor: Actor,
) -> dict[str, Any]:
    found = cards.get(counter_id) or card(engine, counter_id, today, actor=actor)
    counter = engine.workspace.metrics[counter_id]
    improves = _moves(guarded, _sign(engine.workspace.metrics[guarded["id"]]))
    degrades = _moves(found, -s if (s := _sign(counter)) is not None else None)
    return {
        "id": counter_id,
        "name": found["name"],
        "unit": found["unit"],
        "period": found.get("period"),
        "value": found.get("value"),
        "change_pct": (found.get("previous") or {}).get("change_pct"),
        "degrades": degrades,
        "flag": bool(improves and degrades),  # the KPI gets better while what it must not hurt gets worse
    }


def _moves(card_: dict[str, Any], sign: int | None) -> bool | None:
    """Whether the last complete period changed in the direction `sign` (None: cannot tell)."""
    change = (card_.get("previous") or {}).get("change_pct")
    if sign is None or change is None:
        return None
    return change * sign > 0
