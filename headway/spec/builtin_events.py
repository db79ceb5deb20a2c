"""The built-in `events` source: what the tracking API and `headway ingest` write to the lake.

It exists in every workspace without a `sources/*.yml`. A workspace may declare a source named
`events` itself: with another `path` it replaces this one (its own event files); with
`path: .headway/lake/events/*/*.parquet` it extends this one (its columns and struct fields are
added to the built-in ones). `properties` and `context` are stored as MAP<VARCHAR, VARCHAR> (the
same on DuckDB and Spark) and read as structs whose fields are the keys the lake has seen, listed
by the compactor in `.headway/lake/fields.json` (a small catalog: validation never reads events).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from headway.spec.issues import Issue
from headway.spec.layout import EVENTS_GLOB, FIELDS_FILE, LAKE_DIR, is_events_lake
from headway.spec.models import IDENT_PATTERN, Source
from headway.spec.workspace import Origin
from headway.spec.yamlpos import load_yaml

NAME = "events"
PEOPLE = "people"
PEOPLE_GLOB = f"{LAKE_DIR}/people/*.parquet"
ORIGIN_FILE = "<built-in>/events.yml"
# typed columns for Segment's common context fields: column -> path in the context object
CONTEXT_COLUMNS = {
    "device_type": ("device", "type"),
    "os": ("os", "name"),
    "app_version": ("app", "version"),
    "locale": ("locale",),
    "library": ("library", "name"),
}
COLUMNS: dict[str, dict[str, Any]] = {
    "message_id": {"type": "string", "description": "Segment messageId: unique per call, used to drop retries."},
    "type": {"type": "string", "description": "track, page, screen, identify, group or alias."},
    "event": {"type": "string", "description": "Event name of a track call; the page or screen name for views."},
    "user_id": {"type": "string", "entity": "user", "description": "userId as sent (null when anonymous)."},
    "anonymous_id": {"type": "string", "description": "anonymousId as sent (device or browser id)."},
    "person_key": {
        "type": "string",
        "entity": "person",
        "description": "Identity key: user:<userId>, else anon:<anonymousId>; `person_id` is the person behind it.",
    },
    "account_id": {"type": "string", "entity": "account", "description": "groupId of the call or context.groupId."},
    "timestamp": {"type": "timestamp", "description": "When it happened, corrected for client clock skew."},
    "original_timestamp": {"type": "timestamp", "description": "The client's own timestamp, as sent."},
    "sent_at": {"type": "timestamp", "description": "When the client sent the batch (its clock)."},
    "received_at": {"type": "timestamp", "description": "When Headway accepted it (server clock)."},
    "source": {"type": "string", "description": "The source whose write key sent it (web, ios, ...)."},
    **{name: {"type": "string", "description": f"context.{'.'.join(path)}"} for name, path in CONTEXT_COLUMNS.items()},
    "properties": {"type": "struct", "description": "properties (track, page, screen) or traits (identify, group)."},
    "context": {"type": "struct", "description": "context, flattened: context.device.type is context.device_type."},
}
BASE_FIELDS = {"context": dict.fromkeys(CONTEXT_COLUMNS, "string")}
# the person behind each event, read through the identity mapping when a query runs (never stored in
# the event files, so a late identify re-attributes earlier anonymous events without rewriting them)
LOOKUPS = {"person_id": "person.person_id"}
_IDENT = re.compile(IDENT_PATTERN)


def seen_fields(root: Path) -> dict[str, dict[str, str]]:
    """The property and context keys the lake holds, with their types (empty before any event)."""
    path = root / FIELDS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out: dict[str, dict[str, str]] = {}
    for column in ("properties", "context"):
        fields = data.get(column) if isinstance(data, dict) else None
        if isinstance(fields, dict):
            out[column] = {k: v for k, v in fields.items() if _IDENT.match(k) and v in ("string", "double", "boolean")}
    return out


def builtin_spec(root: Path, extension: Source | None = None, people: bool = True) -> dict[str, Any]:
    """The source as YAML data: built-in columns, the keys seen in the lake, and the extension's additions.

    `people`: the built-in `people` source is there to resolve `person_id` (a workspace may declare a
    source of its own by that name; `person_id` is then left to the workspace)."""
    columns = {name: dict(column) for name, column in COLUMNS.items()}
    seen = seen_fields(root)
    for struct in ("properties", "context"):
        fields = {**BASE_FIELDS.get(struct, {}), **seen.get(struct, {})}
        if fields:
            columns[struct]["fields"] = fields
        else:  # no event has had properties yet: a struct needs fields, so the column waits for them
            del columns[struct]
    description = "Events received by the tracking API or `headway ingest` (built in)."
    source: dict[str, Any] = {"name": NAME, "path": EVENTS_GLOB, "time": "timestamp", "description": description}
    lookups = dict(LOOKUPS) if people else {}
    if extension is not None:
        for name, column in extension.columns.items():
            declared = column.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
            declared["type"] = column.type.value
            if name in columns and column.fields and "fields" in columns[name]:
                declared["fields"] = {**columns[name].get("fields", {}), **declared["fields"]}
            columns[name] = {**columns[name], **declared} if name in columns else declared
        source.update(
            extension.model_dump(mode="json", exclude_none=True, exclude={"columns", "name", "path", "lookups"})
        )
        lookups.update(extension.lookups)
    source["columns"] = columns
    source["lookups"] = {name: target for name, target in lookups.items() if name not in columns}
    return {"sources": [source]}


def builtin_events(
    root: Path, extension: Source | None = None, people: bool = True
) -> tuple[Source | None, Any, list[Issue]]:
    """The built-in source, the parsed YAML it came from (for origins), and any problem."""
    return _load(builtin_spec(root, extension, people))


def _load(data: dict[str, Any]) -> tuple[Source | None, Any, list[Issue]]:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    doc, issues = load_yaml(ORIGIN_FILE, text)
    if doc is None:
        return None, None, issues
    try:
        return Source.model_validate(doc.data["sources"][0]), doc, issues
    except ValueError as error:
        return None, doc, [Issue(ORIGIN_FILE, 1, "sources[0]", f"built-in events source: {error}")]


def add_builtin_events(root: Path, sources: dict[str, Source], origins: dict[str, Origin], issues: list[Issue]) -> None:
    """Put the built-in source beside the declared ones, unless a declared `events` replaces it."""
    declared = sources.get(NAME)
    if declared is not None and not is_events_lake(declared.path):
        return
    source, doc, found = builtin_events(root, declared, people=PEOPLE not in sources)
    issues.extend(found)
    if source is None:
        return
    sources[NAME] = source
    if declared is None:
        origins[NAME] = Origin(doc, ("sources", 0))
    if PEOPLE not in sources:
        people, doc, found = _load(PEOPLE_SPEC)
        issues.extend(found)
        if people is not None:
            sources[PEOPLE], origins[PEOPLE] = people, Origin(doc, ("sources", 0))


PEOPLE_SPEC: dict[str, Any] = {
    "sources": [
        {
            "name": PEOPLE,
            "path": PEOPLE_GLOB,
            "primary_key": "person_key",
            "description": "Identity resolution of the built-in events: one row per identity key (built in).",
            "columns": {
                "person_key": {"type": "string", "entity": "person"},
                "person_id": {"type": "string", "description": "The person: their userId, or an anonymousId."},
            },
        }
    ]
}
