"""Investment balance: where engineering effort went, as FTE-months per day, team and work type.

The model (close to LinearB's resource allocation; Swarmia likewise combines git activity
with tracker data): a person is active on a calendar day on every work item assigned to them
that is in progress that day (started..done) and every change they authored that is open that
day (first commit..merged or closed). Each active item gets an equal share of that person-day.
A day's share counts 1/(days in its month) FTE-month, so a month's sum is the average number of
people on each kind of work. Rows hold no person: only day, service, team and type. Days and months are
the workspace's (its `timezone`), the calendar its periods are cut on.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from headway.delivery.ages import local_midnight
from headway.delivery.github import work_type

Row = dict[str, Any]


def investment(items: list[Row], changes: list[Row], timezone: str = "UTC") -> list[Row]:
    zone = ZoneInfo(timezone)
    last = max((t for r in [*items, *changes] for t in _times(r)), default=None)
    if last is None:
        return []
    # (person, day) -> the (service, team, type) of each thing they were active on
    active: dict[tuple[str, dt.date], list[tuple[str, str, str]]] = defaultdict(list)
    for item in items:
        start = item.get("started_at")
        people = [p.strip() for p in str(item.get("assignees") or "").split(",") if p.strip()]
        if start is None or not people:
            continue
        for day in _days(start, item.get("done_at") or last, zone):
            for person in people:
                active[(person, day)].append((*_owner(item), item.get("type") or "other"))
    for change in changes:
        start, author = change.get("first_commit_at") or change.get("opened_at"), change.get("author")
        if start is None or not author:
            continue
        kind = work_type(str(change.get("labels") or "").split(","))
        for day in _days(start, change.get("merged_at") or change.get("closed_at") or last, zone):
            active[(author, day)].append((*_owner(change), kind))
    totals: dict[tuple[dt.date, str, str, str], float] = defaultdict(float)
    for (_, day), slices in active.items():
        for service, team, kind in slices:
            totals[(day, service, team, kind)] += 1 / len(slices)
    return [
        {
            "row_id": f"{day.isoformat()}|{service}|{team}|{kind}",
            "day": local_midnight(day, zone),
            "service": service,
            "team": team,
            "type": kind,
            "person_days": share,
            "fte_months": share / calendar.monthrange(day.year, day.month)[1],
        }
        for (day, service, team, kind), share in sorted(totals.items())
    ]


def _owner(row: Row) -> tuple[str, str]:
    return row.get("service") or "unknown", row.get("team") or "unknown"


def _times(row: Row) -> list[dt.datetime]:
    return [v for v in row.values() if isinstance(v, dt.datetime)]


def _days(start: dt.datetime, end: dt.datetime, zone: ZoneInfo) -> list[dt.date]:
    """Every calendar day in `zone` from start to end, both included."""
    first, last = start.astimezone(zone).date(), max(end, start).astimezone(zone).date()
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
