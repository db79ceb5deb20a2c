"""Plain scans: each row counts in the one period its time falls in (or in the single all-time row)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from headway.engine.sql import Cte, alias, grouped, period_of, where_all

if TYPE_CHECKING:
    from headway.engine.compile_leaf import ScanCompiler


def timeless(c: ScanCompiler) -> Cte:
    dims = c.dims()
    query = where_all(c.source().select(*c.dim_aliases(dims), *c.measures(), copy=False), c.filters())
    return c.name, grouped(query, dims), c.comment()


def plain(c: ScanCompiler) -> Cte:
    assert c.leaf.time is not None
    start, end = c.plan.span
    period = period_of(c.local(c.leaf.time), c.plan.query.grain, c.plan.calendar.week_offset)
    dims = c.dims()
    query = c.source().select(alias(period, "period"), *c.dim_aliases(dims), *c.measures(), copy=False)
    query = where_all(query, c.time_range(start, end) + c.filters())
    return c.name, grouped(query, [period, *dims]), c.comment()
