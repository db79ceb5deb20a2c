"""Accepting events: decode a request body, check it against Segment's limits, validate each
message, and hand the log one write per request. Shared by the tracking API and file import.

Nothing here is lost: a message that fails validation, and a body that cannot be read at all, is
written to the log as a quarantine record (reason + raw payload) in the same durable write.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import orjson

from headway.ingest.log import encode
from headway.ingest.messages import MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_EVENT_BYTES, Received, Rejected, normalise
from headway.spec.ingest_settings import IngestSettings

MAX_RAW_KEPT = 1024 * 1024  # quarantine keeps at most this much of one unreadable body
UNKNOWN_SOURCE = "(no valid write key)"  # the source a body with a bad write key is quarantined under
TIME_FIELDS = ("timestamp", "original_timestamp", "sent_at", "received_at")


def micros(value: dt.datetime | None) -> int | None:
    """Microseconds since the epoch: what the log stores, and what Arrow takes without parsing."""
    return None if value is None else round(value.timestamp() * 1_000_000)


@dataclass
class Outcome:
    """What one request or file chunk came to, before the log write."""

    data: bytearray = field(default_factory=bytearray)
    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    problems: list[dict[str, Any]] = field(default_factory=list)

    def quarantine(
        self, got: Received, reason: str, detail: str, raw: bytes | str, index: int | None = None, kind: str = "message"
    ) -> None:
        """Keep the payload with its reason; `kind` is `message` (one event) or the endpoint of a whole body."""
        if isinstance(raw, bytes):
            try:
                text, encoding = raw[:MAX_RAW_KEPT].decode("utf-8"), "text"
            except UnicodeDecodeError:
                text, encoding = base64.b64encode(raw[:MAX_RAW_KEPT]).decode("ascii"), "base64"
        else:
            text, encoding = raw, "text"
        record = {
            "k": "q",
            "reason": reason,
            "detail": detail,
            "raw": text,
            "encoding": encoding,
            "kind": kind,
            "source": got.source,
            "received_at": got.received_at,
        }
        self.data += encode(record)
        self.rejected[reason] += 1
        self.problems.append({"index": index, "reason": reason, "message": detail})


def decompress(body: bytes, encoding: str) -> bytes:
    """The body, gunzipped when asked; refuses anything that inflates past the batch limit."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "deflate"):
        raise Rejected("bad_encoding", f"Content-Encoding {encoding!r} is not supported; send gzip or nothing")
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, MAX_BATCH_BYTES + 1)
    except zlib.error as error:
        raise Rejected("bad_gzip", f"the body is not valid {encoding}: {error}") from None
    if len(out) > MAX_BATCH_BYTES or inflater.unconsumed_tail:
        raise Rejected("too_large", f"the body inflates past the 500 KB batch limit ({MAX_BATCH_BYTES} bytes)")
    return out


def parse_body(body: bytes) -> Any:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Rejected("invalid_utf8", f"the body is not valid UTF-8 (byte {error.start})") from None
    del text  # decoded only to name invalid UTF-8 as such
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        if "surrogate" in str(error):  # a "\ud800" escape: not text
            raise Rejected("invalid_utf8", f"the body holds a lone UTF-16 surrogate: {error}") from None
        raise Rejected("invalid_json", f"the body is not JSON: {error}") from None


def messages_of(payload: Any, kind: str) -> tuple[list[Any], Any]:
    """The messages of a request and the batch's sentAt (`/v1/batch` or one call)."""
    if not isinstance(payload, dict):
        raise Rejected("not_an_object", "the body must be a JSON object")
    if kind != "batch":
        return [payload], payload.get("sentAt")
    batch = payload.get("batch")
    if not isinstance(batch, list):
        raise Rejected("missing_batch", "a /v1/batch body needs a `batch` list")
    if len(batch) > MAX_BATCH_EVENTS:
        raise Rejected("too_many_events", f"a batch holds at most {MAX_BATCH_EVENTS} events; this one has {len(batch)}")
    return batch, payload.get("sentAt")


def accept(messages: list[Any], got: Received, settings: IngestSettings, kind: str | None = None) -> Outcome:
    """Validate each message; the Outcome's data holds one log line per message."""
    outcome = Outcome()
    for index, message in enumerate(messages):
        try:
            raw = orjson.dumps(message)
        except TypeError:  # a lone surrogate (from an imported file) is not text
            raw = json.dumps(message).encode()
            outcome.quarantine(got, "invalid_utf8", "a string holds a lone UTF-16 surrogate", raw, index)
            continue
        try:
            if len(raw) > MAX_EVENT_BYTES:
                size = len(raw)
                raise Rejected("too_large", f"an event is at most 32 KB ({MAX_EVENT_BYTES} bytes); this one is {size}")
            row = normalise(message, got, settings, None if kind == "batch" else kind)
        except Rejected as rejected:
            # a single call's body may leave `type` to its endpoint: keep the endpoint so a replay knows it
            single = kind if kind not in (None, "batch") else "message"
            outcome.quarantine(got, rejected.reason, rejected.detail, raw, index, kind=single)
            continue
        for name in TIME_FIELDS:
            row[name] = micros(row[name])
        outcome.data += encode({"k": "e", **row})
        outcome.accepted += 1
    return outcome


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
