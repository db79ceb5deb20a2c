"""A dashboard's DORA panel: each of the four keys over its last complete periods, banded elite/high/medium/low.

The values are `headway tiers`' own (`tiers.measure_query` / `measure_values` over one period at a
time), so the panel and the command always agree; every period of every key is asked in one
`Engine.query_many` call as the viewer. A key whose period has no value is "no data", never a band:
no deployments is not an elite change fail rate. Dashboard filters (service, team…) keep the rows
of the chosen value where the key's metric has that dimension, and say which keys they could not filter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from headway.analysis.tiers import measure_query, measure_values, tier_of
from headway.engine import Actor, Engine, Failure, Query, Result
from headway.errors import HeadwayError
from headway.spec.dashboards import Dashboard, Panel
from headway.spec.dora import DoraEdition, DoraKey, dora_metrics, tier_table
from headway.spec.graph import available_dimensions
from headway.spec.models import Grain

COLUMNS = ["key", "metric", "period", "value", "unit", "n", "band"]
LABELS = {
    DoraKey.DEPLOYMENT_FREQUENCY: "Deployment frequency",
    DoraKey.CHANGE_LEAD_TIME: "Change lead time",
    DoraKey.CHANGE_FAIL_RATE: "Change fail rate",
    DoraKey.RECOVERY: "Failed deployment recovery time",
}
RECOVERY_2021 = "Time to restore service"


@dataclass(frozen=True)
class Asked:
    key: DoraKey
    period: dt.date
    last: dt.date
    spec: dict[str, Any]
    keep: dict[str, str]
    query: Query


def dora_panel(engine: Engine, board: Dashboard, p: int, panel: Panel, *, actor: Actor) -> dict[str, Any]:
    """The panel's JSON: per key its last complete period's value, band, change and trend, plus flat rows for CSV."""
    ws = engine.workspace
    edition = panel.dora_edition
    table = tier_table(edition)
    chosen = dora_metrics(edition, panel.keys, ws.metrics)
    grain = panel.grain or Grain.MONTH
    periods = {key: _periods(engine, panel, grain, metric) for key, metric in chosen.items() if metric is not None}
    asked = [
        a
        for key, metric in chosen.items()
        if metric is not None
        for a in _asks(engine, board, key, metric, table, grain, periods[key])
    ]
    answers = engine.query_many([a.query for a in asked], actor=actor) if asked else []
    restricted: set[str] = set()
    errors: dict[str, dict[str, str]] = {}
    values: dict[tuple[DoraKey, dt.date], tuple[float | None, int]] = {}
    for a, answer in zip(asked, answers, strict=True):
        metric = a.spec["metric"]
        if isinstance(answer, Failure):
            if answer.error.code == "forbidden":
                restricted.add(metric)
            else:
                errors[metric] = {"metric": metric, "code": answer.error.code, "message": answer.error.message}
            continue
        values[(a.key, a.period)] = _value(a, answer)
    keys = [
        _key_json(engine, edition, key, chosen[key], table, periods.get(key, []), values, restricted | set(errors))
        for key in DoraKey
    ]
    filtered_dims = set(board.filters)
    return {
        "index": p,
        "type": panel.type.value,
        "title": panel.heading(),
        "edition": table["edition"],
        "edition_title": table["title"],
        "source": table["source"],
        "grain": grain.value,
        "period": max((k["period"] for k in keys if k["period"]), default=None),
        "metrics": [_metric_json(engine, k["metric"], k["unit"], grain) for k in keys if k["metric"] is not None],
        "keys": keys,
        "columns": list(COLUMNS),
        "rows": [{"key": k["key"], "metric": k["metric"], **pt, "unit": k["unit"]} for k in keys for pt in k["series"]],
        "restricted": sorted(restricted),
        "errors": list(errors.values()),
        "no_data": [k["key"] for k in keys if k["metric"] is None],
        "not_filtered": sorted(
            m for m in chosen.values() if m is not None and filtered_dims - set(available_dimensions(ws.metrics, m))
        ),
    }


def _periods(engine: Engine, panel: Panel, grain: Grain, metric_id: str) -> list[tuple[dt.date, dt.date]]:
    """The last `periods` complete periods (start, last day) up to the day the metric's data runs through.

    Each key ends at its own last complete period: a source whose last row is a day older (no change
    shipped on the month's last day) leaves that month unfinished for its key alone.
    """
    try:
        through = engine.data_through(metric_id)
    except HeadwayError:
        return []
    if through is None:
        return []
    if panel.to is not None:
        through = min(through, panel.to)
    calendar = engine.calendar()
    last = calendar.shift(calendar.start(through + dt.timedelta(days=1), grain), grain, -1)
    first = calendar.shift(last, grain, -(panel.periods - 1))
    if panel.from_ is not None:
        first = max(first, calendar.start(panel.from_, grain))
    return [(s, calendar.end(s, grain) - dt.timedelta(days=1)) for s in calendar.periods(first, last, grain)]


def _asks(
    engine: Engine,
    board: Dashboard,
    key: DoraKey,
    metric: str,
    table: dict[str, Any],
    grain: Grain,
    periods: list[tuple[dt.date, dt.date]],
) -> list[Asked]:
    spec = {**table["measures"][key.value], "metric": metric}
    dims = available_dimensions(engine.workspace.metrics, metric)
    keep = {d: v for d, v in board.filters.items() if d in dims}  # no user text in a query: slice, then keep
    by = tuple(sorted(keep))
    return [Asked(key, start, last, spec, keep, measure_query(spec, grain, by, start, last)) for start, last in periods]


def _value(a: Asked, answer: Result | None) -> tuple[float | None, int]:
    rows = [] if answer is None else answer.rows
    kept = [r for r in rows if all(r.get(d) is not None and str(r[d]) == v for d, v in a.keep.items())]
    found = measure_values(a.spec, kept, (), a.period, a.last)
    if not found:
        return None, 0
    _, value, n = found[0]
    return value, n


def _key_json(
    engine: Engine,
    edition: DoraEdition,
    key: DoraKey,
    metric: str | None,
    table: dict[str, Any],
    periods: list[tuple[dt.date, dt.date]],
    values: dict[tuple[DoraKey, dt.date], tuple[float | None, int]],
    refused: set[str],
) -> dict[str, Any]:
    spec = table["measures"][key.value]
    label = RECOVERY_2021 if key is DoraKey.RECOVERY and edition is DoraEdition.DORA_2021 else LABELS[key]
    out: dict[str, Any] = {"key": key.value, "label": label, "metric": metric, "unit": None}
    out["thresholds"] = spec["tiers"]
    if metric is None or metric in refused:
        reason = "no_metric" if metric is None else "refused"
        return {**out, "period": None, "value": None, "n": None, "band": "no data", "reason": reason, "series": []}
    found = engine.workspace.metrics[metric]
    unit = f"{found.unit or metric}/week" if spec.get("per") == "week" or spec.get("statistic") else found.unit
    series = []
    for start, _ in periods:
        value, n = values.get((key, start), (None, 0))
        series.append({"period": start.isoformat(), "value": value, "n": n, "band": tier_of(value, spec["tiers"])})
    latest = series[-1] if series else None
    before = series[-2] if len(series) > 1 else None
    return {
        **out,
        "unit": unit,
        "per": spec.get("per"),
        "statistic": spec.get("statistic"),
        "period": latest["period"] if latest else None,
        "value": latest["value"] if latest else None,
        "n": latest["n"] if latest else None,
        "band": latest["band"] if latest else "no data",
        "reason": None if latest and latest["value"] is not None else "no_data",
        "previous": before,
        "trend": _trend(latest, before, found.direction.value if found.direction else None),
        "series": series,
    }


def _trend(latest: dict[str, Any] | None, before: dict[str, Any] | None, direction: str | None) -> str | None:
    """better / worse / unchanged against the period before, by the metric's declared direction."""
    if latest is None or before is None or latest["value"] is None or before["value"] is None:
        return None
    if latest["value"] == before["value"]:
        return "unchanged"
    up = latest["value"] > before["value"]
    if direction not in ("increase", "decrease"):
        return "up" if up else "down"
    return "better" if up == (direction == "increase") else "worse"


def _metric_json(engine: Engine, metric_id: str, unit: str | None, grain: Grain) -> dict[str, Any]:
    """The key's metric, with the unit its values are in here (deployment days *per week*)."""
    metric = engine.workspace.metrics[metric_id]
    return {"id": metric_id, "name": metric.label, "unit": unit, "grain": grain.value, "owner": metric.owner}
