"""Timestamps from GitHub, GitLab, git and CSV exports, normalized to UTC at ingest.

GitLab alone sends "2016-08-12 15:23:28 UTC", "2021-04-28 21:50:00 +0200" and ISO with or
without milliseconds; python-dateutil reads them all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil import parser


def utc(value: Any) -> dt.datetime | None:
    """The instant as an aware UTC datetime; None for empty values. Naive text is read as UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value, dt.UTC)
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        text = str(value).strip()
        if not text:
            return None
        try:  # ISO 8601 (what Headway itself writes) without dateutil's slower general parser
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            parsed = parser.parse(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def hours(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 3600


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
