"""Fold partial records into one row per key, oldest first.

A later record overrides the fields it carries, unless it is older: providers do not promise
order, so a record with a `_version` (the object's `updated_at`) older than the row's only
fills fields still empty. Two kinds of field are special:
the first of something (`opened_at`, `first_commit_at`, `first_review_at`) keeps the
earliest value seen, and a merge (`merged_at`, `merge_sha`) is never undone by a later
event that does not mention it. A history (`status_history`, a list of [status, at] pairs) is
the union of every record's pairs, in time order, so each delivery of an issue adds its state.
"""

from __future__ import annotations

from typing import Any

from headway.delivery.inbox import Record

EARLIEST = frozenset({"opened_at", "first_commit_at", "first_review_at"})
STICKY = frozenset({"merged_at", "merge_sha"})
RANK = {"open": 0, "closed": 1, "merged": 2, "done": 1}
HISTORY = frozenset({"status_history"})


def fold(records: list[Record]) -> dict[str, dict[str, dict[str, Any]]]:
    tables: dict[str, dict[str, dict[str, Any]]] = {}
    for record in records:
        row = tables.setdefault(record.table, {}).setdefault(record.key, {})
        version, current = record.data.get("_version"), row.get("_version")
        stale = version is not None and current is not None and version < current
        if version is not None and version == current:  # same instant: a later state does not go back
            stale = RANK.get(str(record.data.get("state")), 0) < RANK.get(str(row.get("state")), 0)
        for field, value in record.data.items():
            old = row.get(field)
            if field in HISTORY:
                pairs = {tuple(p) for p in [*(old or []), *(value or [])] if p[1] is not None}
                row[field] = [list(p) for p in sorted(pairs, key=lambda p: (p[1], p[0]))]
                continue
            if stale and old is not None and field not in EARLIEST:
                continue
            if field in EARLIEST and old is not None:
                row[field] = old if value is None else min(old, value)  # ISO UTC text sorts as time
            elif field in STICKY and value is None and old is not None:
                continue
            else:
                row[field] = value
    return tables
