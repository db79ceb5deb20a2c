"""Compile the scans of a plan: CTEs yielding period, dims, and v<i>, n<i> for each leaf i.

Leaves that read the same source the same way (same mode, time column and
dimensions) share one scan: each gets its own aggregate with `FILTER (WHERE
its filter)`, so NPS's promoters, detractors and responses cost one pass, not
three. Rolling windows and last-value snapshots get a scan of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlglot import exp

from headway.engine.dialects import Dialect
from headway.engine.plan import Leaf, Mode, Plan
from headway.engine.sql import (
    aggregate,
    alias,
    all_of,
    as_double,
    as_timestamp,
    cast,
    col,
    count_all,
    ident,
    period_of,
    replace_all,
    safe_divide,
    table,
    ts_lit,
)
from headway.engine.timefuncs import render_time
from headway.engine.views import view_name
from headway.spec.expressions import field_name
from headway.spec.fields import FieldRef
from headway.spec.models import Agg, ColumnType

Cte = tuple[str, exp.Select, str]  # name, query, comment
SHAREABLE = {Mode.PLAIN, Mode.SNAPSHOT_INTERVAL}


@dataclass(frozen=True)
class Scan:
    """One pass over one source, computing one or more leaves."""

    name: str
    leaves: tuple[Leaf, ...]


def plan_scans(plan: Plan) -> list[Scan]:
    groups: dict[tuple[object, ...], list[Leaf]] = {}
    for leaf in plan.leaves:
        shareable = leaf.mode in SHAREABLE or plan.timeless or leaf.time is None
        key = (leaf.source.name, leaf.mode, leaf.time, leaf.valid_to, leaf.dims) if shareable else (leaf.index,)
        groups.setdefault(key, []).append(leaf)
    return [Scan(f"l{g[0].index}" if len(g) == 1 else f"g{g[0].index}", tuple(g)) for g in groups.values()]


class ScanCompiler:
    def __init__(self, scan: Scan, plan: Plan, dialect: Dialect):
        self.scan, self.plan, self.dialect = scan, plan, dialect
        self.leaf = scan.leaves[0]  # source, mode, time and dimensions are shared by the scan's leaves
        self.name = scan.name
        joins = dict.fromkeys(j for leaf in scan.leaves for j in leaf.joins)
        self.join_alias = {join: f"j{i}" for i, join in enumerate(joins)}

    # -- columns ----------------------------------------------------------
    def field(self, ref: FieldRef) -> exp.Expr:
        if ref.join is not None:
            return col(ref.column, self.join_alias[ref.join])
        base = col(ref.column, "t")
        return exp.Dot(this=base, expression=ident(ref.subfield)) if ref.subfield else base

    def local(self, ref: FieldRef) -> exp.Expr:
        """Wall-clock time in the workspace zone; dates are already calendar days."""
        value = self.field(ref)
        if ref.type is ColumnType.DATE:
            return as_timestamp(value)
        if self.plan.timezone == "UTC":
            return value
        return self.dialect.local_time(value, self.plan.timezone)

    def compiled(self, tree: exp.Expr, leaf: Leaf) -> exp.Expr:
        """A user expression with each column swapped for its resolved, quoted reference.

        Division by zero is NULL, as in formulas (DuckDB would give inf, ANSI Spark an error).
        """
        tree = render_time(tree, leaf.fields, self.plan.timezone, self.dialect)
        tree = replace_all(tree, exp.Column, lambda c: self.field(leaf.fields[field_name(c)]))
        return replace_all(tree, exp.Div, lambda d: safe_divide(d.this, d.expression))

    def value(self, leaf: Leaf) -> exp.Expr | None:
        return self.compiled(leaf.value.tree, leaf) if leaf.value else None

    def dims(self) -> list[exp.Expr]:
        return [self.field(ref) for ref in self.leaf.dims]

    def dim_aliases(self, exprs: list[exp.Expr]) -> list[exp.Expr]:
        return [alias(e, f"d{i}") for i, e in enumerate(exprs)]

    def own_filter(self, leaf: Leaf) -> exp.Expr | None:
        return all_of([self.compiled(f.tree, leaf) for f in leaf.filters])

    def filters(self) -> list[exp.Expr]:
        """The shared --where, plus the leaves' own filters (ANDed for one leaf, ORed as a pre-filter for many)."""
        out: list[exp.Expr] = [self.compiled(self.leaf.where.tree, self.leaf)] if self.leaf.where else []
        own = [self.own_filter(leaf) for leaf in self.scan.leaves]
        if len(own) == 1 and own[0] is not None:
            out.append(own[0])
        elif own and all(f is not None for f in own):
            out.append(exp.or_(*[exp.paren(f, copy=False) for f in own if f is not None], copy=False))
        return out

    def measures(self) -> list[exp.Expr]:
        """v<i> and n<i> for each leaf; with several leaves, each filtered to its own rows."""
        out: list[exp.Expr] = []
        shared = len(self.scan.leaves) > 1
        for leaf in self.scan.leaves:
            measure = leaf.metric.measure
            assert measure is not None
            value, n = aggregate(measure.agg, self.value(leaf), measure.p, self.dialect)
            condition = self.own_filter(leaf) if shared else None
            if condition is not None:
                value = exp.Filter(this=value, expression=exp.Where(this=condition))
                n = exp.Filter(this=n, expression=exp.Where(this=condition.copy()))
            out.append(alias(value, f"v{leaf.index}"))
            if not leaf.counts_rows:
                out.append(alias(n, f"n{leaf.index}"))
        return out

    def source(self) -> exp.Select:
        return self.with_joins(exp.select().from_(table(view_name(self.leaf.source.name), "t"), copy=False))

    def with_joins(self, query: exp.Select) -> exp.Select:
        for join, name in self.join_alias.items():
            on = exp.EQ(this=col(join.from_column, "t"), expression=col(join.to_column, name))
            query = query.join(table(view_name(join.to_source), name), on=on, join_type="left", copy=False)
        return query

    def time_range(self, lower: dt.date | None, upper: dt.date) -> list[exp.Expr]:
        """Rows whose wall-clock time falls in [lower, upper), plus a raw-column guard engines can prune with."""
        assert self.leaf.time is not None
        local = self.local(self.leaf.time)
        out: list[exp.Expr] = [exp.LT(this=local, expression=ts_lit(upper))]
        if lower is not None:
            out.insert(0, exp.GTE(this=local.copy(), expression=ts_lit(lower)))
        if self.leaf.time.type is ColumnType.TIMESTAMP and self.plan.timezone != "UTC":
            raw = self.field(self.leaf.time)
            out.append(exp.LT(this=raw, expression=ts_lit(upper + dt.timedelta(days=1))))
            if lower is not None:
                out.append(exp.GTE(this=raw.copy(), expression=ts_lit(lower - dt.timedelta(days=1))))
        return out

    def comment(self) -> str:
        parts = [f"metric {leaf.metric.id} ({leaf.origin}) as v{leaf.index}" for leaf in self.scan.leaves]
        agg = "" if len(parts) > 1 else f" {self.leaf.agg.value}"
        return f"{'; '.join(parts)}:{agg} over {self.leaf.source.name}, {self.leaf.mode.value}"

    # -- modes ------------------------------------------------------------
    def ctes(self) -> list[Cte]:
        if self.plan.timeless or self.leaf.time is None:
            return [self.timeless()]
        match self.leaf.mode:
            case Mode.PLAIN:
                return [self.plain()]
            case Mode.WINDOW | Mode.CUMULATIVE:
                return self.rolling()
            case Mode.SNAPSHOT_LAST:
                return self.snapshot_last()
            case Mode.SNAPSHOT_INTERVAL:
                return [self.snapshot_interval()]

    def timeless(self) -> Cte:
        dims = self.dims()
        query = _where(self.source().select(*self.dim_aliases(dims), *self.measures(), copy=False), self.filters())
        return self.name, _grouped(query, dims), self.comment()

    def plain(self) -> Cte:
        assert self.leaf.time is not None
        start, end = self.plan.span
        period = period_of(self.local(self.leaf.time), self.plan.query.grain, self.plan.calendar.week_offset)
        dims = self.dims()
        query = self.source().select(alias(period, "period"), *self.dim_aliases(dims), *self.measures(), copy=False)
        query = _where(query, self.time_range(start, end) + self.filters())
        return self.name, _grouped(query, [period, *dims]), self.comment()

    def rolling(self) -> list[Cte]:
        """Rolling windows and running totals: per-day partial aggregates, then a range join to each period."""
        assert self.leaf.time is not None
        index = self.leaf.index
        spine = self.plan.spine or ()
        starts = [p.window_starts[index] for p in spine]
        lower = None if any(s is None for s in starts) else min(s for s in starts if s is not None)
        upper = max(p.end for p in spine)
        day = cast(self.local(self.leaf.time), "date")
        dims = self.dims()
        value = self.value(self.leaf)
        measure = self.leaf.metric.measure
        assert measure is not None
        partial, combine = _partials(self.leaf.agg, value, measure.p, self.dialect, index)
        base = self.source().select(alias(day, "day"), *self.dim_aliases(dims), *partial, copy=False)
        base = _where(base, self.time_range(lower, upper) + self.filters())
        group = [day, *dims]
        if self.leaf.agg is Agg.COUNT_DISTINCT and value is not None:
            group.append(value)
        if self.leaf.agg not in (Agg.MEDIAN, Agg.PERCENTILE):
            base = _grouped(base, group)
        base_name = f"{self.name}_days"
        on: list[exp.Expr] = [exp.LT(this=col("day", "b"), expression=col("period_end", "s"))]
        if lower is not None:
            on.append(exp.GTE(this=col("day", "b"), expression=col(f"w{index}", "s")))
        dim_cols = [col(f"d{i}", "b") for i in range(len(dims))]
        rolled = (
            exp.select(
                alias(col("period", "s"), "period"), *[alias(c, f"d{i}") for i, c in enumerate(dim_cols)], *combine
            )
            .from_(table("spine", "s"), copy=False)
            .join(table(base_name, "b"), on=all_of(on), join_type="inner", copy=False)  # type: ignore[arg-type]
            .group_by(col("period", "s"), *[c.copy() for c in dim_cols], copy=False)
        )
        return [(base_name, base, self.comment() + " (per-day partials)"), (self.name, rolled, self.comment())]

    def snapshot_last(self) -> list[Cte]:
        """Rows at the latest snapshot time within each period (the table's own snapshot time, unfiltered)."""
        assert self.leaf.time is not None
        start, end = self.plan.span
        local = self.local(self.leaf.time)
        period = period_of(local, self.plan.query.grain, self.plan.calendar.week_offset)
        last_name = f"{self.name}_last"
        last = exp.select(alias(period, "period"), alias(exp.Max(this=local.copy()), "ts")).from_(
            table(view_name(self.leaf.source.name), "t"), copy=False
        )
        last = _grouped(_where(last, self.time_range(start, end)), [period])
        dims = self.dims()
        on = exp.EQ(this=local.copy(), expression=col("ts", "s"))
        query = self.source().join(table(last_name, "s"), on=on, join_type="inner", copy=False)
        query = query.select(alias(col("period", "s"), "period"), *self.dim_aliases(dims), *self.measures(), copy=False)
        query = _where(query, self.time_range(start, end) + self.filters())
        return [
            (last_name, last, self.comment() + " (snapshot times)"),
            (self.name, _grouped(query, [col("period", "s"), *dims]), self.comment()),
        ]

    def snapshot_interval(self) -> Cte:
        """Rows whose validity interval covers the end of each period."""
        assert self.leaf.time is not None and self.leaf.valid_to is not None
        start_local, end_local = self.local(self.leaf.time), self.local(self.leaf.valid_to)
        as_of = as_timestamp(col("as_of", "s"))
        still_open = exp.or_(
            exp.Is(this=end_local, expression=exp.null()),
            exp.GTE(this=end_local.copy(), expression=as_of.copy()),
            copy=False,
        )
        covers = exp.and_(exp.LT(this=start_local, expression=as_of), exp.paren(still_open, copy=False), copy=False)
        dims = self.dims()
        query = (
            exp.select(alias(col("period", "s"), "period"), *self.dim_aliases(dims), *self.measures())
            .from_(table("spine", "s"), copy=False)
            .join(table(view_name(self.leaf.source.name), "t"), on=covers, join_type="inner", copy=False)
        )
        query = _where(self.with_joins(query), self.filters())
        return self.name, _grouped(query, [col("period", "s"), *dims]), self.comment()


def _where(query: exp.Select, conditions: list[exp.Expr]) -> exp.Select:
    condition = all_of(conditions)
    return query.where(condition, copy=False) if condition is not None else query


def _grouped(query: exp.Select, keys: Sequence[exp.Expr]) -> exp.Select:
    return query.group_by(*[k.copy() for k in keys], copy=False) if keys else query


def _partials(
    agg: Agg, value: exp.Expr | None, p: float | None, dialect: Dialect, index: int
) -> tuple[list[exp.Expr], list[exp.Expr]]:
    """Per-day partial aggregates and how to combine them over a window (v<i>, n<i>)."""
    b, v, n = "b", f"v{index}", f"n{index}"
    if value is None or agg is Agg.COUNT:
        counted = count_all() if value is None else exp.Count(this=value)
        return [alias(counted, "c")], [alias(exp.Sum(this=col("c", b)), v), alias(exp.Sum(this=col("c", b)), n)]
    n_partial = alias(exp.Count(this=value.copy()), "c")
    n_total = alias(exp.Sum(this=col("c", b)), n)
    match agg:
        case Agg.SUM:
            return [alias(exp.Sum(this=value), "s"), n_partial], [alias(exp.Sum(this=col("s", b)), v), n_total]
        case Agg.AVG:
            ratio = exp.Div(
                this=as_double(exp.Sum(this=col("s", b))),
                expression=exp.Nullif(this=exp.Sum(this=col("c", b)), expression=exp.Literal.number(0)),
            )
            return [alias(exp.Sum(this=value), "s"), n_partial], [alias(ratio, v), n_total]
        case Agg.MIN | Agg.MAX:
            fn = exp.Min if agg is Agg.MIN else exp.Max
            return [alias(fn(this=value), "s"), n_partial], [alias(fn(this=col("s", b)), v), n_total]
        case Agg.COUNT_DISTINCT:
            combined = exp.Count(this=exp.Distinct(expressions=[col("x", b)]))
            return [alias(value, "x"), n_partial], [alias(combined, v), n_total]
        case Agg.MEDIAN | Agg.PERCENTILE:
            q = 0.5 if agg is Agg.MEDIAN else p
            assert q is not None
            return [alias(value, "x")], [
                alias(dialect.quantile_of(col("x", b), q), v),
                alias(exp.Count(this=col("x", b)), n),
            ]
    raise AssertionError(agg)  # pragma: no cover
