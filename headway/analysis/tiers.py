"""DORA performance tiers: classify a service's period against a published edition, kept as data.

Editions live in `headway/spec/library/delivery/tiers/*.yml` with their source. A value in one
tier's range gets that tier; in several, "ambiguous" (the published ranges overlap); in none,
"between tiers" (they have gaps); no value, "no data". Nothing here is a constant in code.
"""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

from headway.engine import Actor, Engine, Query, QueryError
from headway.engine.calendar import Calendar
from headway.spec.dora import EDITION_FILES, tier_table
from headway.spec.models import Grain

EDITIONS = {e.value: name for e, name in EDITION_FILES.items()}
BOUNDS = {"gte": float.__ge__, "gt": float.__gt__, "lte": float.__le__, "lt": float.__lt__}


def edition(name: str) -> dict[str, Any]:
    if name not in EDITIONS:
        raise QueryError(f"unknown DORA tiers edition '{name}'", f"Use one of: {', '.join(EDITIONS)}.", "bad_edition")
    return tier_table(name)


def tier_of(value: float | None, tiers: dict[str, dict[str, float]]) -> str:
    if value is None:
        return "no data"
    hits = [name for name, bounds in tiers.items() if all(BOUNDS[k](float(value), float(v)) for k, v in bounds.items())]
    if len(hits) == 1:
        return hits[0]
    return f"ambiguous: {' / '.join(hits)}" if hits else "between tiers"


def classify(
    engine: Engine,
    period: dt.date,
    grain: Grain = Grain.MONTH,
    name: str = "2021",
    by_service: bool = False,
    *,
    actor: Actor,
) -> dict[str, Any]:
    """Per service (or overall) and measure: the value, its n, and its tier in the edition named."""
    doc = edition(name)
    ws = engine.workspace
    calendar = Calendar(ws.config.week_start)
    start = calendar.start(period, grain)
    last = calendar.end(start, grain) - dt.timedelta(days=1)
    by = ("service",) if by_service else ()
    slices: dict[str, dict[str, Any]] = {}
    for measure, spec in doc["measures"].items():
        if spec["metric"] not in ws.metrics:
            raise QueryError(f"tiers need the metric '{spec['metric']}'", "Add `include: [delivery]` to headway.yml.")
        for key, value, n in _values(engine, spec, grain, by, start, last, actor):
            slices.setdefault(key, {})[measure] = {
                "metric": spec["metric"],
                "value": value,
                "n": n,
                "tier": tier_of(value, spec["tiers"]),
            }
    return {
        "edition": doc["edition"],
        "source": doc["source"],
        "grain": grain.value,
        "period": start.isoformat(),
        "period_end": last.isoformat(),
        "rows": [{"service": key, **measures} if by_service else measures for key, measures in sorted(slices.items())],
    }


def _values(
    engine: Engine,
    spec: dict[str, Any],
    grain: Grain,
    by: tuple[str, ...],
    start: dt.date,
    last: dt.date,
    actor: Actor,
) -> list[tuple[str, float | None, int]]:
    rows = engine.query(measure_query(spec, grain, by, start, last), actor=actor).rows
    return measure_values(spec, rows, by, start, last)


def measure_query(spec: dict[str, Any], grain: Grain, by: tuple[str, ...], start: dt.date, last: dt.date) -> Query:
    """The query behind one measure of a tier table over one period (`start` to `last`, both included)."""
    if spec.get("statistic") == "median_of_weeks":  # DevLake: median over the weeks starting in the period
        return Query(spec["metric"], Grain.WEEK, by, start, last)
    return Query(spec["metric"], grain, by, start, last)


def measure_values(
    spec: dict[str, Any], rows: list[dict[str, Any]], by: tuple[str, ...], start: dt.date, last: dt.date
) -> list[tuple[str, float | None, int]]:
    """Per slice (`all` without `by`): the value the tier table's thresholds are written in, and its n."""
    if spec.get("statistic") == "median_of_weeks":
        weeks: dict[str, list[tuple[float, int]]] = {}
        for row in rows:
            if row["period"] >= start and row["value"] is not None:
                weeks.setdefault(_key(row, by), []).append((float(row["value"]), int(row["n"] or 0)))
        return [(k, statistics.median(v for v, _ in w), sum(n for _, n in w)) for k, w in weeks.items()]
    scale = 7 / ((last - start).days + 1) if spec.get("per") == "week" else 1.0
    out = []
    for row in rows:
        value = None if row["value"] is None else float(row["value"]) * scale
        out.append((_key(row, by), value, int(row["n"] or 0)))
    return out


def _key(row: dict[str, Any], by: tuple[str, ...]) -> str:
    return str(row.get(by[0])) if by else "all"
