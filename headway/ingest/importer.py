"""File import: JSONL (Segment or the unified shape), CSV and Parquet through the API's own checks.

Each record becomes a Segment message and goes through the same validation, quarantine, log and
compaction (so the same de-duplication) as a tracking call. A row without a messageId gets one
hashed from its content, so importing a file twice adds nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from headway.errors import HeadwayError
from headway.ingest.compactor import INGEST_DIR, Compactor, PassResult
from headway.ingest.log import EventLog
from headway.ingest.messages import Received
from headway.ingest.service import Outcome, accept, now
from headway.spec.ingest_settings import IngestSettings

CHUNK = 5000
UNIFIED = {
    "message_id": "messageId",
    "user_id": "userId",
    "anonymous_id": "anonymousId",
    "event": "event",
    "type": "type",
    "timestamp": "timestamp",
    "properties": "properties",
    "context": "context",
    "previous_id": "previousId",
}
FORMATS = ("jsonl", "csv", "parquet")


class ImportFileError(HeadwayError):
    """The file cannot be read as the format it claims."""

    code = "bad_file"
    status = 400


def file_format(path: Path) -> str:
    name = path.name.lower()
    for suffix, fmt in ((".jsonl", "jsonl"), (".ndjson", "jsonl"), (".json", "jsonl"), (".csv", "csv")):
        if name.endswith(suffix):
            return fmt
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    raise ImportFileError(f"{path.name}: unknown format; name the file .jsonl, .csv or .parquet")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def to_message(record: Any) -> Any:
    """A Segment message from a Segment-shaped or unified-shaped record (others pass through to fail)."""
    if not isinstance(record, dict) or not any(k in record for k in UNIFIED):
        return record
    message: dict[str, Any] = {}
    for key, value in record.items():
        value = _plain(value)
        if key in UNIFIED:
            message[UNIFIED[key]] = value
        elif key == "account_id":
            if value is not None:
                message.setdefault("context", {})
                message["context"] = {**(message["context"] or {}), "groupId": value}
        elif key not in ("received_at", "sent_at", "original_timestamp", "source", "person_key"):
            message[key] = value
    if isinstance(message.get("properties"), str):
        message["properties"] = json.loads(message["properties"])
    if message.get("type") == "identify" and "properties" in message:
        message["traits"] = message.pop("properties")
    return message


def records(path: Path) -> Iterator[list[Any]]:
    fmt = file_format(path)
    if fmt == "jsonl":
        chunk: list[Any] = []
        with path.open("rb") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    chunk.append(json.loads(line))
                except ValueError as error:
                    chunk.append(_Unreadable(f"line {number}: {error}", line))
                if len(chunk) >= CHUNK:
                    yield chunk
                    chunk = []
        if chunk:
            yield chunk
        return
    try:
        if fmt == "parquet":
            for batch in pq.ParquetFile(path).iter_batches(CHUNK):
                yield batch.to_pylist()
            return
        reader = pacsv.open_csv(path, convert_options=pacsv.ConvertOptions(column_types={}, strings_can_be_null=True))
        for batch in reader:
            yield pa.Table.from_batches([batch]).to_pylist()
    except (pa.ArrowInvalid, OSError) as error:
        raise ImportFileError(f"{path.name}: cannot read as {fmt}: {error}") from None


class _Unreadable:
    def __init__(self, detail: str, raw: bytes):
        self.detail, self.raw = detail, raw


def import_file(
    root: Path, path: Path, source: str, settings: IngestSettings, progress: Callable[[int], None] | None = None
) -> PassResult:
    """Import every record, then compact this import's log segment; return what it came to."""
    compactor = Compactor(root, settings)
    log = EventLog(root / INGEST_DIR / "log", compactor.db.next_segment)
    segments: set[int] = set()
    try:
        for chunk in records(path):
            got = Received(source, now())
            outcome = Outcome()
            good = []
            for item in chunk:
                if isinstance(item, _Unreadable):
                    outcome.quarantine(got, "invalid_json", item.detail, item.raw)
                else:
                    good.append(to_message(item))
            accepted = accept(good, got, settings)
            log.write(bytes(outcome.data) + bytes(accepted.data))
            segments.add(log.current())
            if progress:
                progress(len(chunk))
    finally:
        log.close()
    try:
        return compactor.run_pass(only=segments)
    finally:
        compactor.close()
