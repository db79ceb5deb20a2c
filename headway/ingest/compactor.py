"""Compaction: closed log segments -> de-duplicated Parquet in the lake, counters, quarantine.

One pass at a time per workspace (a file lock), in segment order. For each segment, the lake files
are written first (named after the segment, so a redo overwrites them), then one transaction
records its message ids, counters, quarantine rows and identity links and marks it done; only then
is the segment file deleted. A crash anywhere leaves either the segment to redo or nothing to do.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import hashlib
import json
import os
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from headway.ingest import columnar
from headway.ingest.db import IngestDB
from headway.ingest.identity import person_key
from headway.ingest.lake import SCHEMA, TIMESTAMP, Lake
from headway.ingest.log import EventLog, read_segment, segment_number, try_claim
from headway.ingest.resolver import Resolver
from headway.spec.builtin_events import CONTEXT_COLUMNS
from headway.spec.ingest_settings import IngestSettings
from headway.spec.layout import FIELDS_FILE
from headway.spec.models import IDENT_PATTERN

if TYPE_CHECKING:
    import duckdb

INGEST_DIR = ".headway/ingest"
IDENT_RE = re.compile(IDENT_PATTERN)
QUARANTINE_FIELDS = ("received_at", "source", "reason", "detail", "raw", "encoding")
EMPTY_SEGMENT_GRACE_S = 60.0


@dataclass
class PassResult:
    segments: int = 0
    accepted: int = 0
    duplicates: int = 0
    quarantined: Counter[str] = field(default_factory=Counter)
    people_changed: bool = False  # a new identity key or link: the people mapping must be resolved again


US_PER_DAY = 86_400_000_000
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


@functools.lru_cache(maxsize=4096)
def _day(epoch_day: int) -> str:
    return dt.date.fromordinal(EPOCH_ORDINAL + epoch_day).isoformat()


def day_of(micros: int) -> str:
    """The UTC day of a time stored as microseconds since the epoch (the log's format)."""
    return _day(micros // US_PER_DAY)


def now_micros() -> int:
    return time.time_ns() // 1000


class Compactor:
    def __init__(self, root: Path, settings: IngestSettings, log: EventLog | None = None):
        self.root = root
        self.settings = settings
        self.folder = root / INGEST_DIR
        self.log = log
        self.db = IngestDB(self.folder / "ingest.db")
        self.lake = Lake(root)
        self._duck: duckdb.DuckDBPyConnection | None = None  # for the columnar path, opened on first use
        self.resolver = Resolver(settings)  # the people mapping, updated pass by pass (resolver.py)
        self._pass_keys: set[str] = set()  # the person keys committed since the mapping was last updated
        self._stale = False  # a commit added a key or link the mapping does not hold yet (kept if a pass fails)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Held while the lake changes: one compaction pass, merge or retention run at a time, across processes."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / "compact.lock").open("a") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield

    def recover(self) -> None:
        """Remove what a crash in the middle of a merge left behind (under the lock: not another pass's work),
        and resolve people once: a crash between a pass's commit and its resolution left the mapping behind."""
        with self.exclusive():
            self.lake.clean()
            self.resolver.update(self.db, self.lake)

    def run_pass(self, only: set[int] | None = None) -> PassResult:
        """Compact closed segments (all, or `only` these) and count what they held."""
        result = PassResult()
        if self.log is not None:
            self.log.roll()
        with self.exclusive():
            for path in sorted((self.folder / "log").glob("seg-*.log"), key=segment_number):
                if self.log is not None and segment_number(path) == self.log.current():
                    continue
                if only is not None and segment_number(path) not in only:
                    continue
                self._segment(path, result)
            for day in self.lake.days():
                self.lake.merge(day, self.settings.merge_files)
            if self._stale:  # returning people's events change nothing: no resolution
                self.resolver.update(self.db, self.lake, self._pass_keys)
                self._stale, self._pass_keys = False, set()
            self._prune()
        return result

    def _segment(self, path: Path, result: PassResult) -> None:
        handle = try_claim(path)
        if handle is None:
            return  # a writer still has it open
        with handle:
            number = segment_number(path)
            if path.stat().st_size == 0:
                if time.time() - path.stat().st_mtime > EMPTY_SEGMENT_GRACE_S:
                    path.unlink(missing_ok=True)
                return
            if not self.db.compacted(number):
                if self._duck is None:
                    self._duck = columnar.connect()
                segment = columnar.read(self._duck, path)  # None: only the line-by-line path is safe
                if segment is not None:
                    columnar.compact(self, number, segment, result)
                else:
                    self._compact(number, path, result)
            path.unlink(missing_ok=True)

    def _compact(self, segment: int, path: Path, result: PassResult) -> None:
        events: list[tuple[int, dict[str, Any]]] = []
        quarantine: list[tuple[int, dict[str, Any]]] = []
        for line, record in read_segment(path):
            if record.get("k") == "q":
                quarantine.append((line, record))
            elif record.get("k") == "e":
                events.append((line, record))
        earlier = self.db.seen_in_other_segments((r["message_id"] for _, r in events), segment)
        kept: list[dict[str, Any]] = []
        stats: Counter[tuple[str, str, str]] = Counter()
        identities: list[tuple[int, str, str, str, str]] = []
        in_segment: set[str] = set()
        now = dt.datetime.now(dt.UTC)
        now_us = now_micros()
        for line, row in events:
            day = day_of(row["timestamp"])
            if row["message_id"] in earlier or row["message_id"] in in_segment:
                stats[(row["source"], day, "duplicates")] += 1
                continue
            in_segment.add(row["message_id"])
            kept.append(row)
            stats[(row["source"], day, "accepted")] += 1
            for flag in row.get("flags", ()):
                stats[(row["source"], day, flag)] += 1
            if row["user_id"] is None:
                stats[(row["source"], day, "anonymous")] += 1
            stats[(row["source"], day, "lag_s_sum")] += (now_us - row["received_at"]) / 1e6  # type: ignore[assignment]
            identities += _links(line, row)
        self._write_lake(segment, kept)
        seen = [(r["message_id"], segment, r["received_at"]) for r in kept]
        keys = {person_key(r) for r in kept}
        result.people_changed |= self.commit(segment, seen, stats, quarantine, identities, keys, now)
        result.segments += 1
        result.accepted += len(kept)
        result.duplicates += len(events) - len(kept)
        result.quarantined.update(q["reason"] for _, q in quarantine)

    def commit(
        self,
        segment: int,
        seen: list[tuple[str, int, int]],
        stats: Counter[tuple[str, str, str]],
        quarantine: list[tuple[int, dict[str, Any]]],
        identities: list[tuple[int, str, str, str, str]],
        person_keys: set[str],
        now: dt.datetime,
    ) -> bool:
        """One transaction records what a segment held and marks it done (after its lake files).

        True when it added an identity link or a person key not seen before."""
        with self.db.transaction() as con:
            con.executemany("INSERT OR IGNORE INTO seen (message_id, segment, received_at) VALUES (?, ?, ?)", seen)
            con.executemany(
                "INSERT OR REPLACE INTO stats (segment, source, day, metric, value) VALUES (?, ?, ?, ?, ?)",
                [(segment, s, d, m, v) for (s, d, m), v in stats.items()],
            )
            con.executemany(
                "INSERT OR IGNORE INTO quarantine"
                " (segment, line, received_at, source, reason, detail, raw, raw_encoding, kind, digest)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (segment, line, *(q[k] for k in QUARANTINE_FIELDS), q.get("kind", "message"), _digest(q))
                    for line, q in quarantine
                ],
            )
            before = con.total_changes
            con.executemany(
                "INSERT OR IGNORE INTO identity_log (segment, line, kind, a, b, received_at) VALUES (?, ?, ?, ?, ?, ?)",
                [(segment, *link) for link in identities],
            )
            con.executemany("INSERT OR IGNORE INTO person_keys VALUES (?)", [(k,) for k in person_keys])
            changed = con.total_changes > before
            if changed:
                self._stale = True
                self._pass_keys |= person_keys
            con.execute("INSERT OR REPLACE INTO segments VALUES (?, ?)", (segment, now.isoformat()))
        return changed

    def _write_lake(self, segment: int, rows: list[dict[str, Any]]) -> None:
        by_day: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_day[day_of(row["timestamp"])].append(row)
        for day, day_rows in sorted(by_day.items()):
            self.lake.add(day, f"seg-{segment:08d}.parquet", to_table(day_rows))
        if rows:
            self._record_fields(rows)

    def _record_fields(self, rows: list[dict[str, Any]]) -> None:
        pairs: dict[str, dict[tuple[str, str], None]] = {}
        for column in ("properties", "context"):
            seen = pairs[column] = {}  # each (key, type) once, in order: rows mostly repeat them
            for row in rows:
                seen.update(dict.fromkeys(row.get(f"{column}_types", {}).items()))
        self.record_fields(pairs)

    def record_fields(self, pairs: dict[str, dict[tuple[str, str], None]]) -> None:
        """Keep the catalog of property and context keys (and their types) the spec reads."""
        path = self.root / FIELDS_FILE
        try:
            known = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        before = json.dumps(known, sort_keys=True)
        for column in ("properties", "context"):
            fields = known.setdefault(column, {})
            for key, value in pairs.get(column, {}):
                if IDENT_RE.match(key) and len(fields) < 1000:
                    fields[key] = value if fields.get(key, value) == value else "string"
        if json.dumps(known, sort_keys=True) != before:
            temp = path.with_name(f".{path.name}.tmp")
            temp.parent.mkdir(parents=True, exist_ok=True)
            temp.write_text(json.dumps(known, indent=1, sort_keys=True), encoding="utf-8")
            os.replace(temp, path)

    def _prune(self) -> None:
        cutoff = now_micros() - self.settings.dedupe_window_days * US_PER_DAY
        self.db.con.execute("DELETE FROM seen WHERE received_at < ?", (cutoff,))

    def close(self) -> None:
        if self._duck is not None:
            self._duck.close()
        self.db.close()


def _digest(record: dict[str, Any]) -> str:
    """Same payload, reason and source: one quarantine row (a client retrying, a file imported twice)."""
    text = "\0".join(str(record.get(k, "")) for k in ("source", "reason", "kind", "encoding", "raw"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _links(line: int, row: dict[str, Any]) -> list[tuple[int, str, str, str, str]]:
    """Identity log entries an event carries: identify (anonymous -> user) and alias (previous -> user)."""
    kind, user = row["type"], row["user_id"]
    if kind == "identify" and user and row["anonymous_id"]:
        return [(line, "identify", row["anonymous_id"], user, row["received_at"])]
    if kind == "alias" and user and row.get("previous_id"):
        return [(line, "alias", row["previous_id"], user, row["received_at"])]
    return []


def _string_map(dicts: list[dict[str, str]]) -> pa.Array:
    """A MAP<string, string> column built from flat keys, values and offsets (far cheaper than tuples)."""
    offsets: list[int] = [0]
    keys: list[str] = []
    values: list[str] = []
    for item in dicts:
        keys.extend(item)
        values.extend(item.values())
        offsets.append(len(keys))
    return pa.MapArray.from_arrays(
        pa.array(offsets, pa.int32()), pa.array(keys, pa.string()), pa.array(values, pa.string())
    )


def to_table(rows: list[dict[str, Any]]) -> pa.Table:
    columns: dict[str, pa.Array] = {}
    for name in ("message_id", "type", "event", "user_id", "anonymous_id", "account_id", "source"):
        columns[name] = pa.array([row[name] for row in rows], pa.string())
    columns["person_key"] = pa.array([person_key(row) for row in rows], pa.string())
    for name in ("timestamp", "original_timestamp", "sent_at", "received_at"):
        columns[name] = pa.array([row[name] for row in rows], TIMESTAMP)
    for name in CONTEXT_COLUMNS:
        columns[name] = pa.array([row["context"].get(name) for row in rows], pa.string())
    columns["properties"] = _string_map([row["properties"] for row in rows])
    columns["context"] = _string_map([row["context"] for row in rows])
    return pa.table([columns[name] for name in SCHEMA.names], schema=SCHEMA)
