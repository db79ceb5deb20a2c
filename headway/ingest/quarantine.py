"""The quarantine: events and bodies that were refused, with the reason and the raw payload.

`replay` sends payloads through validation again (after a policy change, or with `--source` for
a body that came with a bad write key); what passes is logged and compacted like any event and its
row is marked replayed; what fails again stays waiting (the same payload is never kept twice).
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from headway.ingest.compactor import INGEST_DIR, Compactor, PassResult
from headway.ingest.log import EventLog
from headway.ingest.messages import Received, Rejected
from headway.ingest.service import UNKNOWN_SOURCE, Outcome, accept, decompress, messages_of, now, parse_body
from headway.spec.ingest_settings import IngestSettings

COLUMNS = "id, received_at, source, reason, detail, kind, raw, raw_encoding, replayed_at"


@dataclass(frozen=True)
class Entry:
    id: int
    received_at: str
    source: str
    reason: str
    detail: str
    kind: str
    raw: bytes
    replayed_at: str | None

    def as_json(self) -> dict[str, Any]:
        text = self.raw.decode("utf-8", "replace")
        return {**{k: v for k, v in self.__dict__.items() if k != "raw"}, "raw": text}


def _entry(row: tuple[Any, ...]) -> Entry:
    raw = base64.b64decode(row[6]) if row[7] == "base64" else str(row[6]).encode("utf-8")
    return Entry(row[0], row[1], row[2], row[3], row[4], row[5], raw, row[8])


def entries(compactor: Compactor, reason: str | None = None, limit: int = 100, pending: bool = False) -> list[Entry]:
    sql = f"SELECT {COLUMNS} FROM quarantine WHERE (? IS NULL OR reason = ?)"
    sql += " AND replayed_at IS NULL" if pending else ""
    rows = compactor.db.con.execute(sql + " ORDER BY id DESC LIMIT ?", (reason, reason, limit)).fetchall()
    return [_entry(r) for r in rows]


def entry(compactor: Compactor, entry_id: int) -> Entry | None:
    row = compactor.db.con.execute(f"SELECT {COLUMNS} FROM quarantine WHERE id = ?", (entry_id,)).fetchone()
    return _entry(row) if row else None


def counts(compactor: Compactor) -> Counter[str]:
    rows = compactor.db.con.execute("SELECT reason, count(*) FROM quarantine WHERE replayed_at IS NULL GROUP BY 1")
    return Counter(dict(rows.fetchall()))


def _messages(item: Entry) -> tuple[list[Any], Any, str]:
    if item.kind == "message":
        return [json.loads(item.raw)], None, "batch"
    body = decompress(item.raw, "gzip") if item.raw[:2] == b"\x1f\x8b" else item.raw
    messages, sent_at = messages_of(parse_body(body), item.kind)
    return messages, sent_at, item.kind


def unattributed(items: list[Entry], source: str | None) -> list[Entry]:
    """Bodies that came with a bad write key: without `--source` they belong to no source, so they wait."""
    return [] if source is not None else [item for item in items if item.source == UNKNOWN_SOURCE]


def replay(root: Path, settings: IngestSettings, items: list[Entry], source: str | None = None) -> PassResult:
    """Validate the payloads again (not the `unattributed` ones); returns what their compaction came to."""
    waiting = {item.id for item in unattributed(items, source)}
    items = [item for item in items if item.id not in waiting]
    compactor = Compactor(root, settings)
    log = EventLog(root / INGEST_DIR / "log", compactor.db.next_segment)
    segments: set[int] = set()
    passed: list[int] = []  # entries that now pass; the others stay waiting (their copy is not kept twice)
    try:
        for item in items:
            got = Received(source or item.source, now())
            outcome = Outcome()
            try:
                messages, sent_at, kind = _messages(item)
                outcome = accept(messages, Received(got.source, got.received_at, sent_at), settings, kind)
            except (Rejected, ValueError) as error:
                reason = error.reason if isinstance(error, Rejected) else "invalid_json"
                outcome.quarantine(got, reason, str(error), item.raw, kind=item.kind)
            log.write(bytes(outcome.data))
            segments.add(log.current())
            if not outcome.rejected:
                passed.append(item.id)
        log.close()
        result = compactor.run_pass(only=segments)
        with compactor.db.transaction() as con:
            con.executemany(
                "UPDATE quarantine SET replayed_at = ? WHERE id = ?", [(now().isoformat(), i) for i in passed]
            )
        return result
    finally:
        compactor.close()
