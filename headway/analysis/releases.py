"""Release annotations from delivery data: each day a service reached production becomes a note.

Read from the canonical delivery table `deployments` (written by the webhook receivers and the
importers under `.headway/lake/delivery/`) through `Engine.rows`, which builds its SQL with SQLGlot.
A note is scoped by tag: it marks the charts of metrics tagged with the service's name (or
`service:<name>`). Successful deployments to a production environment of `delivery:` count;
several on one day make one note. Kept per data version.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from headway.engine import Engine
from headway.engine.listing import MAX_ROWS
from headway.errors import HeadwayError
from headway.spec.annotations import Annotation, AnnotationKind

SOURCE = "deployments"
LAKE_PATH = ".headway/lake/delivery/deployments/data.parquet"
EPOCH = dt.date(1970, 1, 1)
_cache: dict[tuple[Any, ...], list[tuple[str, Annotation]]] = {}
_lock = threading.Lock()


def has_delivery_releases(engine: Engine) -> bool:
    """Only the canonical table: a workspace's own `deployments` file is not delivery data."""
    source = engine.workspace.sources.get(SOURCE)
    return source is not None and str(source.path) == LAKE_PATH and (engine.workspace.root / LAKE_PATH).is_file()


def release_notes(engine: Engine, today: dt.date | None = None) -> list[tuple[str, Annotation]]:
    """(id, note) for each (service, day) with a successful production deployment, oldest first."""
    if not has_delivery_releases(engine):
        return []
    key = (id(engine), engine.workspace.spec_hash, engine.data_versions())
    with _lock:
        found = _cache.get(key)
    if found is None:
        found = _read(engine, today)
        with _lock:
            _cache.clear()
            _cache[key] = found
    return found


def _read(engine: Engine, today: dt.date | None) -> list[tuple[str, Annotation]]:
    ws = engine.workspace
    config = ws.config.delivery
    environments = config.production_environments if config else ["production"]
    now = today or dt.datetime.now(ZoneInfo(ws.config.timezone)).date()
    end = now + dt.timedelta(days=2)
    rows: list[dict[str, Any]] = []
    try:
        for environment in environments:
            equals = {"environment": environment, "result": "success"}
            found = engine.rows(SOURCE, "finished_at", EPOCH, end, equals=equals)
            if len(found) >= MAX_ROWS:  # the listing is bounded: keep the most recent year whole instead
                found = engine.rows(SOURCE, "finished_at", now - dt.timedelta(days=366), end, equals=equals)
            rows += found
    except HeadwayError:  # the table is being rewritten or unreadable: charts go without release marks
        return []
    days: dict[tuple[str, dt.date], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        finished = row.get("finished_at")  # ISO text with the workspace zone's offset
        if row.get("service") and isinstance(finished, str):
            days[(str(row["service"]), dt.datetime.fromisoformat(finished).date())].append(row)
    return [_note(service, day, found) for (service, day), found in sorted(days.items(), key=lambda kv: kv[0][1])]


def _note(service: str, day: dt.date, rows: list[dict[str, Any]]) -> tuple[str, Annotation]:
    shas = [str(r["sha"])[:7] for r in rows if r.get("sha")]
    count = f"{len(rows)} production deployments" if len(rows) > 1 else "production deployment"
    title = f"{service}: {count}" + (f" ({', '.join(shas[:3])})" if shas else "")
    note = Annotation(
        title=title[:200],
        kind=AnnotationKind.RELEASE,
        at=day,
        tags=[service[:200], f"service:{service}"[:200]],
        author=str(rows[0].get("provider") or "delivery")[:200],
        description=f"From the delivery table: {', '.join(str(r.get('deployment_id')) for r in rows[:5])}"[:4000],
    )
    return f"release:{service}:{day.isoformat()}", note
