"""Retention: delete raw events older than `raw_retention_days` (lake days, quarantine rows,
leftover log segments), record what was removed, and keep every identity link, so people stay
resolved after their old events are gone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from headway.ingest.compactor import INGEST_DIR, Compactor
from headway.ingest.lake import SCHEMA
from headway.ingest.log import segment_number, try_claim


@dataclass(frozen=True)
class Removed:
    before: dt.date
    days: list[str]
    events: int
    quarantined: int
    segments: int


def run_retention(root: Path, compactor: Compactor, keep_days: int, today: dt.date | None = None) -> Removed:
    before = (today or dt.datetime.now(dt.UTC).date()) - dt.timedelta(days=keep_days)
    cutoff = before.isoformat()
    lake = compactor.lake
    with compactor.exclusive():  # a live server's compactor may be merging these days: wait for its pass
        days = [d for d in lake.days() if d < cutoff]
        events = sum(pq.read_metadata(f).num_rows for d in days for f in lake.files(d))
        for day in days:
            lake.rewrite(day, SCHEMA.empty_table())
    segments = 0
    for path in (root / INGEST_DIR / "log").glob("seg-*.log"):
        handle = try_claim(path)
        if handle is None:
            continue
        with handle:  # only segments already compacted: their events are in the lake, or were removed above
            if compactor.db.compacted(segment_number(path)):
                path.unlink(missing_ok=True)
                segments += 1
    now = dt.datetime.now(dt.UTC).isoformat()
    with compactor.db.transaction() as con:
        quarantined = con.execute("DELETE FROM quarantine WHERE received_at < ?", (cutoff,)).rowcount
        con.execute("DELETE FROM stats WHERE day < ? AND metric = 'lag_s_sum'", (cutoff,))
        con.executemany(
            "INSERT INTO removals (at, before_day, what, count) VALUES (?, ?, ?, ?)",
            [
                (now, cutoff, "lake_events", events),
                (now, cutoff, "quarantine", quarantined),
                (now, cutoff, "log", segments),
            ],
        )
    return Removed(before, days, events, quarantined, segments)
