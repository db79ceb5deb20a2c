"""The ingest database: message-id index, compacted segments, counters, quarantine, identity log.

A SQLite file beside the log (`<workspace>/.headway/ingest/ingest.db`). Every row a compaction
writes is keyed by its log segment (and line), so compacting a segment again after a crash
rewrites the same rows instead of adding new ones.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (
    message_id TEXT PRIMARY KEY, segment INTEGER NOT NULL, received_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_received ON seen (received_at);
CREATE TABLE IF NOT EXISTS segments (segment INTEGER PRIMARY KEY, compacted_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stats (
    segment INTEGER NOT NULL, source TEXT NOT NULL, day TEXT NOT NULL, metric TEXT NOT NULL,
    value REAL NOT NULL, PRIMARY KEY (segment, source, day, metric)
);
CREATE TABLE IF NOT EXISTS quarantine (
    id INTEGER PRIMARY KEY, segment INTEGER NOT NULL, line INTEGER NOT NULL, received_at TEXT NOT NULL,
    source TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL, raw TEXT NOT NULL,
    raw_encoding TEXT NOT NULL DEFAULT 'text', kind TEXT NOT NULL DEFAULT 'message', replayed_at TEXT,
    digest TEXT NOT NULL, UNIQUE (segment, line)
);
CREATE UNIQUE INDEX IF NOT EXISTS quarantine_digest ON quarantine (digest);
CREATE TABLE IF NOT EXISTS identity_log (
    id INTEGER PRIMARY KEY, segment INTEGER NOT NULL, line INTEGER NOT NULL, kind TEXT NOT NULL,
    a TEXT NOT NULL, b TEXT NOT NULL, received_at INTEGER NOT NULL, UNIQUE (segment, line)
);
CREATE TABLE IF NOT EXISTS segment_numbers (n INTEGER PRIMARY KEY AUTOINCREMENT);
CREATE TABLE IF NOT EXISTS person_keys (key TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS removals (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, before_day TEXT NOT NULL, what TEXT NOT NULL, count INTEGER NOT NULL
);
"""


class IngestDB:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.con = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute("PRAGMA synchronous=FULL")
        self.con.executescript(SCHEMA)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.con.execute("BEGIN IMMEDIATE")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def next_segment(self) -> int:
        """A log segment number never handed out before, by any process (AUTOINCREMENT never reuses)."""
        with self.transaction() as con:
            cursor = con.execute("INSERT INTO segment_numbers DEFAULT VALUES")
            number = int(cursor.lastrowid or 0)
            con.execute("DELETE FROM segment_numbers WHERE n < ?", (number,))
        return number

    def compacted(self, segment: int) -> bool:
        return self.con.execute("SELECT 1 FROM segments WHERE segment = ?", (segment,)).fetchone() is not None

    def seen_in_other_segments(self, ids: Iterable[str], segment: int) -> set[str]:
        """The ids already accepted by another segment (a re-sent copy, or a second import)."""
        found: set[str] = set()
        chunk: list[str] = []
        for message_id in ids:
            chunk.append(message_id)
            if len(chunk) == 500:
                found |= self._seen(chunk, segment)
                chunk = []
        if chunk:
            found |= self._seen(chunk, segment)
        return found

    def _seen(self, chunk: list[str], segment: int) -> set[str]:
        marks = ",".join("?" * len(chunk))
        rows = self.con.execute(
            f"SELECT message_id FROM seen WHERE segment != ? AND message_id IN ({marks})", (segment, *chunk)
        )
        return {row[0] for row in rows}

    def close(self) -> None:
        self.con.close()
