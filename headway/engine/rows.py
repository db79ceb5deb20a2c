"""Engine rows to typed result rows: real dates, dimension names, and flags saying how to read each value.

`complete` is false for a period that is not over yet (it ends after the day the
metric's data is current through); `reason` says why a value is missing (a closed code).
With `--compare`, `compare_complete` says whether the period compared with was
itself fully covered, so a 20-day month is never set against a full one unmarked.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from headway.engine import order_stats, stats
from headway.engine.facts import DataFacts
from headway.engine.plan import Plan
from headway.engine.results import Reason

ORDER = ["period", "value", "n", "complete", "reason", "compare_period", "compare_value", "change", "change_pct"]


def typed_rows(names: list[str], rows: list[tuple[Any, ...]], plan: Plan, facts: DataFacts) -> list[dict[str, Any]]:
    rename = {f"d{i}": dim for i, dim in enumerate(plan.dims)}
    keys = [rename.get(n, n) for n in names]
    dims = list(plan.dims)
    periods = {p.start: p for p in plan.spine or ()}
    # a period is complete when it ends by the day after the data is current through
    horizon = facts.through + dt.timedelta(days=1) if facts.through is not None else None
    if not rows:
        return []
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
    if (q := stats.quantile(plan)) is not None:  # a median's order-statistic windows become its bounds
        keys, columns = order_stats.picked_columns(keys, columns, q, plan.query.level)
    columns = [_plain_column(c) for c in columns]
    # built column by column (a period's flags once per period, not once per row), then zipped into rows
    by_name: dict[str, Sequence[Any]] = dict(zip(keys, columns, strict=True))
    count = len(rows)
    if plan.timeless:
        by_name["period"], by_name["complete"] = [None] * count, [True] * count
    else:
        by_name["period"] = [day_of(v) for v in by_name["period"]]
        by_name["complete"] = _completes(by_name["period"], periods, horizon)
    values = by_name.get("value", [None] * count)
    by_name["reason"] = [
        None if v is not None else _reason(p, periods) for v, p in zip(values, by_name["period"], strict=True)
    ]
    if "compare_period" in by_name:
        by_name["compare_period"] = [day_of(v) for v in by_name["compare_period"]]
        known = _completes(by_name["compare_period"], periods, horizon)
        by_name["compare_complete"] = [
            p is not None and k for p, k in zip(by_name["compare_period"], known, strict=True)
        ]
    ordered = ["period", *dims, *ORDER[1:], "compare_complete"]
    order = [k for k in ordered if k in by_name] + [k for k in by_name if k not in ordered]
    day_col, dim_cols = by_name["period"], [by_name[d] for d in dims]
    sort_keys = [(day_col[i] or dt.date.min, *[(c[i] is None, str(c[i])) for c in dim_cols]) for i in range(count)]
    picked = [by_name[k] for k in order]
    return [
        dict(zip(order, [c[i] for c in picked], strict=True)) for i in sorted(range(count), key=sort_keys.__getitem__)
    ]


def _completes(days: Sequence[dt.date | None], periods: dict[dt.date, Any], horizon: dt.date | None) -> list[bool]:
    """`_complete` of each day, worked out once per distinct day."""
    known = {day: _complete(day, periods, horizon) for day in set(days)}
    return [known[day] for day in days]


def _complete(start: dt.date | None, periods: dict[dt.date, Any], horizon: dt.date | None) -> bool:
    period = periods.get(start) if start is not None else None
    return period is not None and horizon is not None and period.end <= horizon


def _reason(start: dt.date | None, periods: dict[dt.date, Any]) -> str:
    period = periods.get(start) if start is not None else None
    if period is not None and period.covered and not all(period.covered):
        return Reason.NO_DATA.value
    return Reason.NO_ROWS.value


def day_of(value: Any) -> dt.date | None:
    """A period as the engine returned it (a date, a midnight datetime from Spark, or ISO text), as a date."""
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


NUMBERS = {int, float, bool, type(None)}


def _plain_column(values: Sequence[Any]) -> Sequence[Any]:
    """`_plain` over one column, skipped when the column holds nothing it would change (the common case:
    a call per value cost as much as the rest of building a day-grain year of rows)."""
    kinds = set(map(type, values))
    if any(issubclass(k, (Decimal, float)) and k is not float for k in kinds):
        return [_plain(v) for v in values]
    # a sum is finite only if every term is (None and zeros filtered out; an overflow just takes the slow path)
    if float in kinds and not (kinds <= NUMBERS and math.isfinite(sum(filter(None, values)))):
        return [_plain(v) for v in values]
    return values


def _plain(value: Any) -> Any:
    """Engine values to plain Python: NaN and infinities are missing values, decimals are floats."""
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
