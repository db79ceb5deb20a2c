"""The inbox: every raw delivery and every partial record, in one SQLite file under the workspace.

A delivery is committed (WAL, synchronous=FULL) before the receiver answers 2xx, so a
crash after the answer loses nothing; processing reads pending rows later. The primary
key (provider, delivery id) makes a redelivery a no-op. Partial records are what
processing and imports extract; the canonical tables are folded from them.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    provider TEXT NOT NULL,
    delivery_id TEXT NOT NULL,
    event TEXT NOT NULL,
    received_at REAL NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    error TEXT,
    UNIQUE (provider, delivery_id)
);
CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries (status, seq);
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tbl TEXT NOT NULL,
    key TEXT NOT NULL,
    origin TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (tbl, key, origin)
);
"""
STATUSES = ("pending", "processed", "ignored", "failed")


@dataclass(frozen=True)
class Received:
    provider: str
    delivery_id: str
    event: str
    stored: bool  # False: a redelivery of one already stored


@dataclass(frozen=True)
class Delivery:
    seq: int
    provider: str
    delivery_id: str
    event: str
    body: bytes


@dataclass(frozen=True)
class Record:
    """Part of one row of a canonical table, as one delivery or import saw it."""

    table: str
    key: str
    data: dict[str, Any]


def inbox_path(root: Path) -> Path:
    return root / ".headway" / "delivery" / "inbox.sqlite"


class Inbox:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)

    @classmethod
    def for_workspace(cls, root: Path) -> Inbox:
        return cls(inbox_path(root))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def receive(self, provider: str, delivery_id: str, event: str, headers: dict[str, str], body: bytes) -> Received:
        """Store one raw delivery durably; a known (provider, id) is left as it was."""
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO deliveries (provider, delivery_id, event, received_at, headers, body)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (provider, delivery_id, event, time.time(), json.dumps(headers, sort_keys=True), body),
            )
        return Received(provider, delivery_id, event, cursor.rowcount == 1)

    def receive_many(self, provider: str, deliveries: list[tuple[str, str, dict[str, str], bytes]]) -> list[Received]:
        """Store (delivery id, event, headers, body) deliveries in one transaction: a replay, not a live receiver."""
        out = []
        with self._lock:
            self._db.execute("BEGIN")
            try:
                for delivery_id, event, headers, body in deliveries:
                    cursor = self._db.execute(
                        "INSERT OR IGNORE INTO deliveries (provider, delivery_id, event, received_at, headers, body)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        (provider, delivery_id, event, time.time(), json.dumps(headers, sort_keys=True), body),
                    )
                    out.append(Received(provider, delivery_id, event, cursor.rowcount == 1))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return out

    def pending(self, limit: int = 10_000) -> list[Delivery]:
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, provider, delivery_id, event, body FROM deliveries WHERE status = 'pending'"
                " ORDER BY seq LIMIT ?",
                (limit,),
            ).fetchall()
        return [Delivery(*row) for row in rows]

    def settle(self, outcomes: list[tuple[int, str, str | None]], records: list[tuple[str, Record]]) -> None:
        """Save the records extracted and each delivery's outcome in one transaction."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._put(records)
                self._db.executemany(
                    "UPDATE deliveries SET status = ?, error = ? WHERE seq = ?",
                    [(status, error, seq) for seq, status, error in outcomes],
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def put_records(self, records: list[tuple[str, Record]]) -> None:
        """Imports: upsert records by (table, key, origin), so importing twice changes nothing."""
        with self._lock:
            self._db.execute("BEGIN")
            self._put(records)
            self._db.execute("COMMIT")

    def _put(self, records: list[tuple[str, Record]]) -> None:
        self._db.executemany(
            "INSERT INTO records (tbl, key, origin, data) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (tbl, key, origin) DO UPDATE SET data = excluded.data",
            [(r.table, r.key, origin, json.dumps(r.data, default=str)) for origin, r in records],
        )

    def records(self) -> list[Record]:
        """Every partial record, oldest first (later ones override earlier fields)."""
        with self._lock:
            rows = self._db.execute("SELECT tbl, key, data FROM records ORDER BY seq").fetchall()
        return [Record(t, k, json.loads(d)) for t, k, d in rows]

    def status(self) -> dict[str, Any]:
        with self._lock:
            counts = dict(self._db.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY status").fetchall())
            ignored = self._db.execute(
                "SELECT provider, event, COUNT(*) FROM deliveries WHERE status = 'ignored' GROUP BY provider, event"
            ).fetchall()
            failed = self._db.execute(
                "SELECT provider, delivery_id, event, error FROM deliveries WHERE status = 'failed' ORDER BY seq DESC"
                " LIMIT 20"
            ).fetchall()
        out: dict[str, Any] = {s: int(counts.get(s, 0)) for s in STATUSES}
        out["received"] = sum(out.values())
        out["unknown_events"] = [{"provider": p, "event": e, "count": n} for p, e, n in ignored]
        out["recent_failures"] = [{"provider": p, "delivery_id": d, "event": e, "error": x} for p, d, e, x in failed]
        return out
