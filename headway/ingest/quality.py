"""Data quality of the events, per source and day: what was accepted, dropped as a duplicate or
quarantined (by reason), how many arrived late or with a skewed clock, how many anonymous events
were later tied to a person, and how long events took from receipt to being visible in metrics."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq

from headway.ingest.compactor import Compactor
from headway.ingest.lake import Lake

COUNTS = ("accepted", "duplicates", "late", "skewed", "stale", "anonymous")


def _resolved(lake: Lake, days: set[str]) -> dict[tuple[str, str], int]:
    """Anonymous events whose identity key now resolves to a person other than the anonymous id itself."""
    people_file = lake.people
    if not people_file.exists():
        return {}
    people = pq.read_table(people_file)
    out: dict[tuple[str, str], int] = defaultdict(int)
    for day in sorted(days):
        for path in lake.files(day):
            table = pq.read_table(path, columns=["source", "user_id", "person_key"])
            table = table.filter(pc.is_null(table.column("user_id")))
            joined = table.join(people, "person_key")
            if joined.num_rows == 0:
                continue
            anon = pc.utf8_slice_codeunits(joined.column("person_key"), 5)
            resolved = pc.and_(
                pc.starts_with(joined.column("person_key"), "anon:"), pc.not_equal(anon, joined.column("person_id"))
            )
            for source, flag in zip(joined.column("source").to_pylist(), resolved.to_pylist(), strict=True):
                out[(source, day)] += bool(flag)
    return out


def report(root: Path, compactor: Compactor, since: dt.date | None = None) -> list[dict[str, Any]]:
    """One row per source and day, newest day first."""
    start = (since or dt.date(1970, 1, 1)).isoformat()
    rows: dict[tuple[str, str], dict[str, Any]] = {}

    def row(source: str, day: str) -> dict[str, Any]:
        return rows.setdefault(
            (source, day),
            {"source": source, "day": day, **dict.fromkeys(COUNTS, 0), "quarantined": {}, "lag_s_mean": None},
        )

    stats = compactor.db.con.execute(
        "SELECT source, day, metric, sum(value) FROM stats WHERE day >= ? GROUP BY 1, 2, 3", (start,)
    )
    lags: dict[tuple[str, str], float] = {}
    for source, day, metric, value in stats:
        if metric == "lag_s_sum":
            lags[(source, day)] = value
        elif metric in COUNTS:
            row(source, day)[metric] = int(value)
    quarantine = compactor.db.con.execute(
        "SELECT source, substr(received_at, 1, 10), reason, count(*) FROM quarantine"
        " WHERE substr(received_at, 1, 10) >= ? AND replayed_at IS NULL GROUP BY 1, 2, 3",
        (start,),
    )
    for source, day, reason, count in quarantine:
        row(source, day)["quarantined"][reason] = count
    resolved = _resolved(compactor.lake, {day for _, day in rows})
    for key, item in rows.items():
        accepted, anonymous = item["accepted"], item["anonymous"]
        item["lag_s_mean"] = round(lags[key] / accepted, 3) if accepted and key in lags else None
        item["anonymous_resolved_share"] = round(resolved.get(key, 0) / anonymous, 4) if anonymous else None
    return sorted(rows.values(), key=lambda r: (r["day"], r["source"]), reverse=True)
