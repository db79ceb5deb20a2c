"""Columnar compaction of one log segment: DuckDB's JSON reader turns the segment's event lines into
Arrow at C speed, and the lake file is assembled from columns instead of one dict per event.

Decoding every line with orjson and rebuilding Arrow columns from dicts was two thirds of the
compactor's CPU. The line-by-line path in compactor.py stays the reference and the fallback: a
segment with a torn or unreadable line, or one DuckDB cannot read, goes that way. Dedupe, counters,
person keys and identity links keep the reference's exact rules (the same Python functions over
plain column values), and the same transaction marks the segment done.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from headway.ingest.identity import person_key
from headway.ingest.lake import SCHEMA, TIMESTAMP
from headway.spec.builtin_events import CONTEXT_COLUMNS

if TYPE_CHECKING:
    import duckdb

    from headway.ingest.compactor import Compactor, PassResult

STRING_MAP = "MAP(VARCHAR, VARCHAR)"
LOG_COLUMNS = {
    "k": "VARCHAR",
    "message_id": "VARCHAR",
    "type": "VARCHAR",
    "event": "VARCHAR",
    "user_id": "VARCHAR",
    "anonymous_id": "VARCHAR",
    "previous_id": "VARCHAR",
    "account_id": "VARCHAR",
    "received_at": "BIGINT",
    "source": "VARCHAR",
    "properties": STRING_MAP,
    "context": STRING_MAP,
    "properties_types": STRING_MAP,
    "context_types": STRING_MAP,
    "timestamp": "BIGINT",
    "original_timestamp": "BIGINT",
    "sent_at": "BIGINT",
    "flags": "VARCHAR[]",
}


@dataclass
class Segment:
    """A segment's event lines as one table (in file order), their line numbers, and its quarantine."""

    events: pa.Table
    lines: list[int]
    quarantine: list[tuple[int, dict[str, Any]]]


def connect() -> duckdb.DuckDBPyConnection:
    import duckdb

    con = duckdb.connect(config={"threads": 1, "memory_limit": "512MB"})  # not competing with the server
    return con


def read(con: duckdb.DuckDBPyConnection, path: Path) -> Segment | None:
    """The segment for the columnar path, or None when only the line-by-line path can be trusted."""
    import duckdb

    data = path.read_bytes()
    if not data or not data.endswith(b"\n"):
        return None  # empty, or a torn tail
    events: list[int] = []
    quarantine: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(data.split(b"\n")[:-1]):
        if line.startswith(b'{"k":"e"'):
            events.append(number)
        elif line.startswith(b'{"k":"q"'):
            try:
                quarantine.append((number, orjson.loads(line)))
            except orjson.JSONDecodeError:
                return None
        elif not line.startswith(b'{"k":'):
            return None  # not a line this log writes
    if not events:
        return None
    columns = ", ".join(f'"{name}"' for name in LOG_COLUMNS if name != "k")
    try:
        query = f"SELECT {columns} FROM read_json(?, format = 'newline_delimited', columns = ?) WHERE k = 'e'"
        table = con.sql(query, params=[str(path), LOG_COLUMNS]).to_arrow_table()
    except duckdb.Error:
        return None
    if table.num_rows != len(events):
        return None
    return Segment(table, events, quarantine)


def compact(compactor: Compactor, number: int, segment: Segment, result: PassResult) -> None:
    """What Compactor._compact does, on columns."""
    from headway.ingest.compactor import _links, day_of, now_micros

    table = segment.events
    ids: list[str] = table.column("message_id").to_pylist()
    earlier = compactor.db.seen_in_other_segments(ids, number)
    in_segment: set[str] = set()
    keep: list[bool] = []
    for message_id in ids:
        fresh = message_id not in earlier and message_id not in in_segment
        if fresh:
            in_segment.add(message_id)
        keep.append(fresh)
    column = {name: table.column(name).to_pylist() for name in ("source", "timestamp", "user_id", "received_at")}
    flags = table.column("flags").to_pylist()
    days = [day_of(t) for t in column["timestamp"]]
    stats: Counter[tuple[str, str, str]] = Counter()
    now = dt.datetime.now(dt.UTC)
    now_us = now_micros()
    for i, fresh in enumerate(keep):
        source, day = column["source"][i], days[i]
        if not fresh:
            stats[(source, day, "duplicates")] += 1
            continue
        stats[(source, day, "accepted")] += 1
        for flag in flags[i] or ():
            stats[(source, day, flag)] += 1
        if column["user_id"][i] is None:
            stats[(source, day, "anonymous")] += 1
        stats[(source, day, "lag_s_sum")] += (now_us - column["received_at"][i]) / 1e6  # type: ignore[assignment]
    kept = table.filter(pa.array(keep, pa.bool_()))
    kept_days = [d for d, fresh in zip(days, keep, strict=True) if fresh]
    identities = []
    kinds = kept.column("type").to_pylist()
    linking = [i for i, kind in enumerate(kinds) if kind in ("identify", "alias")]
    if linking:
        lines = [line for line, fresh in zip(segment.lines, keep, strict=True) if fresh]
        some = kept.take(pa.array(linking)).select(["type", "user_id", "anonymous_id", "previous_id", "received_at"])
        for i, row in zip(linking, some.to_pylist(), strict=True):
            identities += _links(lines[i], row)
    keys = [
        person_key({"user_id": u, "anonymous_id": a, "message_id": m})
        for u, a, m in zip(
            kept.column("user_id").to_pylist(),
            kept.column("anonymous_id").to_pylist(),
            kept.column("message_id").to_pylist(),
            strict=True,
        )
    ]
    lake_table = to_lake(kept, keys)
    day_array = pa.array(kept_days, pa.string())
    for day in sorted(set(kept_days)):
        compactor.lake.add(day, f"seg-{number:08d}.parquet", lake_table.filter(pc.equal(day_array, day)))
    if kept.num_rows:
        compactor.record_fields({c: _pairs(kept.column(f"{c}_types")) for c in ("properties", "context")})
    received = kept.column("received_at").to_pylist()
    seen = [(m, number, r) for m, r in zip(kept.column("message_id").to_pylist(), received, strict=True)]
    result.people_changed |= compactor.commit(number, seen, stats, segment.quarantine, identities, set(keys), now)
    result.segments += 1
    result.accepted += kept.num_rows
    result.duplicates += table.num_rows - kept.num_rows
    result.quarantined.update(q["reason"] for _, q in segment.quarantine)


def _pairs(types: pa.ChunkedArray) -> dict[tuple[str, str], None]:
    """Each (key, type) of a map column once, in order of first appearance."""
    maps = types.combine_chunks()
    return dict.fromkeys(zip(maps.keys.to_pylist(), maps.items.to_pylist(), strict=True))


def to_lake(kept: pa.Table, keys: list[str]) -> pa.Table:
    """The lake's columns (SCHEMA) from the log's."""
    columns: dict[str, Any] = {}
    for name in ("message_id", "type", "event", "user_id", "anonymous_id", "account_id", "source"):
        columns[name] = kept.column(name)
    columns["person_key"] = pa.array(keys, pa.string())
    for name in ("timestamp", "original_timestamp", "sent_at", "received_at"):
        columns[name] = kept.column(name).cast(TIMESTAMP)
    for name in CONTEXT_COLUMNS:
        columns[name] = pc.map_lookup(kept.column("context"), name, "first")
    columns["properties"] = kept.column("properties")
    columns["context"] = kept.column("context")
    return pa.table([columns[name] for name in SCHEMA.names], names=SCHEMA.names).cast(SCHEMA)
