"""Snapshot scans: the rows standing at each period's end, by last snapshot time or by validity interval."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from headway.engine.sql import Cte, alias, as_timestamp, col, grouped, joined, period_of, table, where_all
from headway.engine.views import view_name

if TYPE_CHECKING:
    from headway.engine.compile_leaf import ScanCompiler


def snapshot_last(c: ScanCompiler) -> list[Cte]:
    """Rows at the latest snapshot time within each period (the table's own snapshot time, unfiltered)."""
    assert c.leaf.time is not None
    start, end = c.plan.span
    local = c.local(c.leaf.time)
    period = period_of(local, c.plan.query.grain, c.plan.calendar.week_offset)
    last_name = f"{c.name}_last"
    last = exp.select(alias(period, "period"), alias(exp.Max(this=local.copy()), "ts")).from_(
        table(view_name(c.leaf.source.name), "t"), copy=False
    )
    last = grouped(where_all(last, c.time_range(start, end)), [period])
    dims = c.dims()
    on = exp.EQ(this=local.copy(), expression=col("ts", "s"))
    query = joined(c.source(), table(last_name, "s"), on, "INNER")
    query = query.select(alias(col("period", "s"), "period"), *c.dim_aliases(dims), *c.measures(), copy=False)
    query = where_all(query, c.time_range(start, end) + c.filters())
    return [
        (last_name, last, c.comment() + " (snapshot times)"),
        (c.name, grouped(query, [col("period", "s"), *dims]), c.comment()),
    ]


def snapshot_interval(c: ScanCompiler) -> Cte:
    """Rows whose validity interval covers the end of each period."""
    assert c.leaf.time is not None and c.leaf.valid_to is not None
    start_local, end_local = c.local(c.leaf.time), c.local(c.leaf.valid_to)
    as_of = as_timestamp(col("as_of", "s"))
    still_open = exp.or_(
        exp.Is(this=end_local, expression=exp.null()),
        exp.GTE(this=end_local.copy(), expression=as_of.copy()),
        copy=False,
    )
    covers = exp.and_(exp.LT(this=start_local, expression=as_of), exp.paren(still_open, copy=False), copy=False)
    dims = c.dims()
    query = exp.select(alias(col("period", "s"), "period"), *c.dim_aliases(dims), *c.measures()).from_(
        table("spine", "s"), copy=False
    )
    query = joined(query, table(view_name(c.leaf.source.name), "t"), covers, "INNER")
    query = where_all(c.with_joins(query), c.filters())
    return c.name, grouped(query, [col("period", "s"), *dims]), c.comment()
