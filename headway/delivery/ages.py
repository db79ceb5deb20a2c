"""Work item age: how long each item in progress has been in progress, once per UTC day.

Age is a flow metric of the items *not* finished: at the end of each UTC day, every item
started before that instant and not done by it has an age (days since it started). One row
per (day, item) lets the engine read the ages standing at a period's end with an ordinary
`snapshot: {}` (the latest day in the period) and take their median or a percentile. Days run
from the first start to the last day any work item changed; a day with nothing in progress
gets one row with no item and no age, so its period shows no data instead of an earlier day's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

Row = dict[str, Any]
DAY = dt.timedelta(days=1)


def work_item_ages(items: list[Row]) -> list[Row]:
    started = sorted((i for i in items if i.get("started_at") is not None), key=lambda i: i["started_at"])
    if not started:
        return []
    times = [i[f] for i in items for f in ("created_at", "started_at", "done_at") if i.get(f) is not None]
    first = _midnight(min(i["started_at"] for i in started))
    last = _midnight(max(times))
    out: list[Row] = []
    day, next_start, standing = first, 0, list[Row]()
    while day <= last:  # the items in progress, kept as a running set: linear in days + items
        end = day + DAY
        while next_start < len(started) and started[next_start]["started_at"] < end:
            standing.append(started[next_start])
            next_start += 1
        standing = [i for i in standing if i.get("done_at") is None or i["done_at"] >= end]
        for item in standing:
            out.append(_row(day, item, (end - item["started_at"]).total_seconds() / 86400))
        if not standing:
            out.append({"row_id": f"{day.date()}|", "day": day, "as_of": end})
        day = end
    return out


def _row(day: dt.datetime, item: Row, age: float) -> Row:
    return {
        "row_id": f"{day.date()}|{item['item_id']}",
        "day": day,
        "as_of": day + DAY,
        "item_id": item["item_id"],
        "team": item.get("team"),
        "type": item.get("type"),
        "age_days": age,
    }


def _midnight(at: dt.datetime) -> dt.datetime:
    return dt.datetime(at.year, at.month, at.day, tzinfo=dt.UTC)
