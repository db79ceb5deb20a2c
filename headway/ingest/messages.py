"""Validate one Segment message and turn it into a lake row, or say why it goes to quarantine.

Segment's HTTP tracking API is the contract: required fields per call type, ids as strings (numbers
are accepted and turned into text, as Segment does), timestamps in ISO 8601. Client clock skew is
corrected as Segment and PostHog do: timestamp = receivedAt - (sentAt - originalTimestamp).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from typing import Any

import orjson

from headway.errors import HeadwayError
from headway.spec.builtin_events import CONTEXT_COLUMNS
from headway.spec.ingest_settings import IngestSettings, SkewPolicy

CALL_TYPES = ("track", "identify", "page", "screen", "group", "alias")
MAX_EVENT_BYTES = 32 * 1024
MAX_BATCH_BYTES = 500 * 1024
MAX_BATCH_EVENTS = 2500
JUNK_IDS = frozenset(
    {"", "null", "none", "nil", "0", "-1", "anonymous", "undefined", "guest", "unknown", "nan", "[object object]"}
)
SKEW_TOLERANCE = dt.timedelta(seconds=60)
LATE_AFTER = dt.timedelta(days=1)


class Rejected(HeadwayError):
    """The message cannot be accepted; `reason` (its code) is a closed set, `detail` says what to fix."""

    status = 400

    def __init__(self, reason: str, detail: str):
        super().__init__(detail, code=reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Received:
    """What the server knows about a request: who sent it, when, and the batch's sentAt."""

    source: str
    received_at: dt.datetime
    sent_at: Any = None


def parse_time(value: Any, field: str) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Rejected("wrong_type", f"{field} must be an ISO 8601 string, not {type(value).__name__}")
    try:
        return _utc(value)
    except ValueError:
        raise Rejected("bad_timestamp", f"{field} {value[:40]!r} is not an ISO 8601 timestamp") from None


@functools.lru_cache(maxsize=4096)  # a batch repeats its sentAt in every message, SDKs often a timestamp
def _utc(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value.strip())
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def _id(message: dict[str, Any], field: str) -> str | None:
    value = message.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Rejected("wrong_type", f"{field} must be a string, not {type(value).__name__}")
    text = str(value) if not isinstance(value, str) else value
    if len(text) > 512:
        raise Rejected("wrong_type", f"{field} is longer than 512 characters")
    return text


def _object(message: dict[str, Any], field: str) -> dict[str, Any]:
    value = message.get(field)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Rejected("wrong_type", f"{field} must be an object, not {type(value).__name__}")
    return value


def flatten(value: dict[str, Any], types: dict[str, str], prefix: str = "") -> dict[str, str]:
    """Nested objects become `a_b` keys; every value becomes text (lists as JSON); nulls are left out.

    `types` receives each key's JSON type (string, double, boolean) for the lake's field catalog.
    """
    out: dict[str, str] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict):
            out.update(flatten(item, types, f"{name}_"))
            continue
        if item is None:
            continue
        if isinstance(item, bool):
            out[name], types[name] = ("true" if item else "false"), "boolean"
        elif isinstance(item, str):
            out[name], types[name] = item, "string"
        elif isinstance(item, int | float):  # finite: the body parser refuses NaN; repr is JSON's spelling
            out[name], types[name] = repr(item), "double"
        else:
            out[name], types[name] = orjson.dumps(item).decode(), "string"
    return out


def _context(raw: dict[str, Any], types: dict[str, str]) -> dict[str, str]:
    """The flattened context, plus the short names of its common fields (`os` for `os.name`)."""
    flat = flatten(raw, types)
    for name, path in CONTEXT_COLUMNS.items():
        joined = "_".join(path)
        if joined != name and joined in flat:
            flat.setdefault(name, flat[joined])
            types.setdefault(name, "string")
    return flat


def message_id(message: dict[str, Any]) -> str:
    """The messageId, or a hash of the message so that a re-sent copy is still recognised."""
    given = _id(message, "messageId")
    if given:
        return given
    canonical = orjson.dumps(message, option=orjson.OPT_SORT_KEYS, default=str)
    return "hw-" + hashlib.sha256(canonical).hexdigest()[:32]


def _required(kind: str, message: dict[str, Any], user: str | None, anonymous: str | None) -> None:
    if kind == "alias":
        if not user or not _id(message, "previousId"):
            raise Rejected("missing_id", "alias needs userId and previousId")
        return
    if not user and not anonymous:
        raise Rejected("missing_id", f"{kind} needs a userId or an anonymousId")
    if kind == "track" and not (isinstance(message.get("event"), str) and message["event"].strip()):
        raise Rejected("missing_event", "track needs an `event` name (a non-empty string)")
    if kind == "group" and not _id(message, "groupId"):
        raise Rejected("missing_id", "group needs a groupId")


def _times(message: dict[str, Any], got: Received, settings: IngestSettings) -> dict[str, Any]:
    original = parse_time(message.get("originalTimestamp") or message.get("timestamp"), "timestamp")
    sent = parse_time(message.get("sentAt") or got.sent_at, "sentAt")
    received = got.received_at
    timestamp = original or received
    if original and sent and settings.clock_skew is SkewPolicy.CORRECT:
        timestamp = received - (sent - original)
    if timestamp > received + dt.timedelta(hours=settings.future_limit_hours):
        raise Rejected("future_timestamp", f"timestamp {timestamp.isoformat()} is in the future")
    flags = []
    if sent is not None and abs(received - sent) > SKEW_TOLERANCE:
        flags.append("skewed")
    if received - timestamp > LATE_AFTER:
        flags.append("late")
    if received - timestamp > dt.timedelta(days=settings.past_limit_days):
        flags.append("stale")
    return {"timestamp": timestamp, "original_timestamp": original, "sent_at": sent, "flags": flags}


def normalise(message: Any, got: Received, settings: IngestSettings, kind: str | None = None) -> dict[str, Any]:
    """The lake row for one message (times as datetimes), or Rejected."""
    if not isinstance(message, dict):
        raise Rejected("not_an_object", f"each event must be a JSON object, not {type(message).__name__}")
    kind = message.get("type", kind)
    if kind not in CALL_TYPES:
        raise Rejected("unknown_type", f"type {str(kind)[:40]!r} is not one of {', '.join(CALL_TYPES)}")
    user, anonymous = _id(message, "userId"), _id(message, "anonymousId")
    _required(kind, message, user, anonymous)
    context = _object(message, "context")
    payload = _object(message, "traits" if kind in ("identify", "group") else "properties")
    if kind == "identify" and not payload:
        payload = _object(context, "traits")
    name = message.get("event") if kind == "track" else message.get("name")
    if name is not None and not isinstance(name, str):
        raise Rejected("wrong_type", f"{'event' if kind == 'track' else 'name'} must be a string")
    group = _id(message, "groupId") if kind == "group" else None
    property_types: dict[str, str] = {}
    context_types: dict[str, str] = {}
    account = group or _id(context, "groupId")
    return {
        "message_id": message_id(message),
        "type": kind,
        "event": name,
        "user_id": user,
        "anonymous_id": anonymous,
        "previous_id": _id(message, "previousId") if kind == "alias" else None,
        "account_id": account,
        "received_at": got.received_at,
        "source": got.source,
        "properties": flatten(payload, property_types),
        "context": _context(context, context_types),
        "properties_types": property_types,
        "context_types": context_types,
        **_times(message, got, settings),
    }


def is_junk(identifier: str | None) -> bool:
    """Ids that many SDKs send when they have none: they must never merge two people."""
    return identifier is None or identifier.strip().lower() in JUNK_IDS
