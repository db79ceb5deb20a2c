"""What the foundation writes to the state database: spec versions and the query log."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from headway.store.models import QueryLogEntry, SpecFile, SpecVersion, utc_now
from headway.store.state import StateStore

MAX_RECENT_QUERIES = 1000


def file_digests(workspace_root: Path, paths: Iterable[Path]) -> list[SpecFile]:
    """`{path, sha256}` for each spec file, paths relative to the workspace and sorted."""
    out = [
        SpecFile(path=path.relative_to(workspace_root).as_posix(), sha256=hashlib.sha256(path.read_bytes()).hexdigest())
        for path in (p if p.is_absolute() else workspace_root / p for p in paths)
    ]
    return sorted(out, key=lambda f: f["path"])


def record_spec_version(
    store: StateStore, spec_hash: str, files: Iterable[SpecFile], note: str | None = None
) -> SpecVersion:
    """Remember a spec; idempotent: a known hash returns its row (first files and note kept).

    Seeing a known hash again moves its `last_seen_at`, so that a workspace reverted to an older
    spec reports that spec as the latest one.
    """
    files = sorted((SpecFile(path=f["path"], sha256=f["sha256"]) for f in files), key=lambda f: f["path"])
    try:
        return _touch_or_insert(store, spec_hash, files, note)
    except IntegrityError:
        # Another process recorded the same hash between our read and our write: touch theirs.
        return _touch_or_insert(store, spec_hash, files, note)


def latest_spec_version(store: StateStore) -> SpecVersion | None:
    """The spec most recently recorded or seen again."""
    stmt = select(SpecVersion).order_by(SpecVersion.last_seen_at.desc(), SpecVersion.id.desc()).limit(1)
    with store.session() as session:
        return session.scalars(stmt).first()


def log_query(
    store: StateStore,
    *,
    metric_id: str,
    spec_hash: str,
    data_version: str,
    query: Mapping[str, Any],
    engine: str,
    rows: int,
    duration_ms: float,
    cache_hit: bool,
    at: datetime | None = None,
) -> QueryLogEntry:
    """Append one answered query; `query` must be JSON-serialisable (the query's own `to_dict`)."""
    entry = QueryLogEntry(
        at=at or utc_now(),
        metric_id=metric_id,
        spec_hash=spec_hash,
        data_version=data_version,
        query=dict(query),
        engine=engine,
        rows=rows,
        duration_ms=duration_ms,
        cache_hit=cache_hit,
    )
    with store.session() as session:
        session.add(entry)
    return entry


def recent_queries(store: StateStore, limit: int = 50, metric_id: str | None = None) -> list[QueryLogEntry]:
    """The newest logged queries first, optionally for one metric."""
    if not 1 <= limit <= MAX_RECENT_QUERIES:
        raise ValueError(f"limit must be between 1 and {MAX_RECENT_QUERIES}, got {limit}")
    stmt = select(QueryLogEntry).order_by(QueryLogEntry.at.desc(), QueryLogEntry.id.desc()).limit(limit)
    if metric_id is not None:
        stmt = stmt.where(QueryLogEntry.metric_id == metric_id)
    with store.session() as session:
        return list(session.scalars(stmt))


def _touch_or_insert(store: StateStore, spec_hash: str, files: list[SpecFile], note: str | None) -> SpecVersion:
    now = utc_now()
    with store.session() as session:
        row = session.scalars(select(SpecVersion).where(SpecVersion.spec_hash == spec_hash)).first()
        if row is None:
            row = SpecVersion(spec_hash=spec_hash, files=files, note=note, recorded_at=now, last_seen_at=now)
            session.add(row)
        else:
            row.last_seen_at = now
    return row
