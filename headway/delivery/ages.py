"""Work item age: how long each item in progress has been in progress, once per workspace day.

Age is a flow metric of the items *not* finished: at the end of each calendar day on the
workspace's clock, every item started before that instant and not done by it has an age (days
since it started). One row per (day, item) lets the engine read the ages standing at a period's
end with an ordinary `snapshot: {}` (the latest day in the period) and take their median or a
percentile. Days run from the first start to the last day any work item changed; a day with
nothing in progress gets one row with no item and no age, so its period shows no data instead of
an earlier day's. Days are the workspace's (its `timezone`), so a week's snapshot is taken at the
end of that week's Sunday there, not at a UTC midnight hours before or after it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

Row = dict[str, Any]


def local_midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The instant (UTC) a calendar day begins in `zone`; a DST day is 23 or 25 hours long."""
    return dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC)


def work_item_ages(items: list[Row], timezone: str = "UTC") -> list[Row]:
    zone = ZoneInfo(timezone)
    started = sorted((i for i in items if i.get("started_at") is not None), key=lambda i: i["started_at"])
    if not started:
        return []
    times = [i[f] for i in items for f in ("created_at", "started_at", "done_at") if i.get(f) is not None]
    day = min(i["started_at"] for i in started).astimezone(zone).date()
    last = max(times).astimezone(zone).date()
    out: list[Row] = []
    next_start, standing = 0, list[Row]()
    while day <= last:  # the items in progress, kept as a running set: linear in days + items
        begin, end = local_midnight(day, zone), local_midnight(day + dt.timedelta(days=1), zone)
        while next_start < len(started) and started[next_start]["started_at"] < end:
            standing.append(started[next_start])
            next_start += 1
        standing = [i for i in standing if i.get("done_at") is None or i["done_at"] >= end]
        for item in standing:
            out.append(_row(day, begin, end, item, (end - item["started_at"]).total_seconds() / 86400))
        if not standing:
            out.append({"row_id": f"{day}|", "day": begin, "as_of": end})
        day += dt.timedelta(days=1)
    return out


def _row(day: dt.date, begin: dt.datetime, end: dt.datetime, item: Row, age: float) -> Row:
    return {
        "row_id": f"{day}|{item['item_id']}",
        "day": begin,
        "as_of": end,
        "item_id": item["item_id"],
        "service": item.get("service"),
        "team": item.get("team"),
        "type": item.get("type"),
        "age_days": age,
    }
