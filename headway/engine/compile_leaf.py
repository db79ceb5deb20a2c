"""Compile one leaf (a measure over one source) to CTEs yielding period, dims, value, n.

Each mode is its own function: plain aggregation per period, rolling windows
and running totals (pre-aggregated per day where the aggregate allows it),
and the two semi-additive snapshot forms.
"""

from __future__ import annotations

import datetime as dt

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
from headway.spec.expressions import field_name
from headway.spec.fields import FieldRef
from headway.spec.models import Agg, ColumnType

Cte = tuple[str, exp.Select, str]  # name, query, comment


def view_name(source: str) -> str:
    return f"hw_{source}"


class LeafCompiler:
    def __init__(self, leaf: Leaf, plan: Plan, dialect: Dialect):
        self.leaf, self.plan, self.dialect = leaf, plan, dialect
        self.name = f"l{leaf.index}"
        self.join_alias = {join: f"j{i}" for i, join in enumerate(leaf.joins)}

    # -- columns ----------------------------------------------------------
    def field(self, ref: FieldRef) -> exp.Expression:
        if ref.join is not None:
            return col(ref.column, self.join_alias[ref.join])
        base = col(ref.column, "t")
        return exp.Dot(this=base, expression=ident(ref.subfield)) if ref.subfield else base

    def local(self, ref: FieldRef) -> exp.Expression:
        """Wall-clock time in the workspace zone; dates are already calendar days."""
        value = self.field(ref)
        if ref.type is ColumnType.DATE:
            return as_timestamp(value)
        if self.plan.timezone == "UTC":
            return value
        return self.dialect.local_time(value, self.plan.timezone)

    def compiled(self, tree: exp.Expression) -> exp.Expression:
        """A user expression with each column swapped for its resolved, quoted reference.

        Division by zero is NULL, as in formulas (DuckDB would give inf, ANSI Spark an error).
        """
        tree = replace_all(tree, exp.Column, lambda c: self.field(self.leaf.fields[field_name(c)]))
        return replace_all(tree, exp.Div, lambda d: safe_divide(d.this, d.expression))

    def value(self) -> exp.Expression | None:
        return self.compiled(self.leaf.value.tree) if self.leaf.value else None

    def dims(self) -> list[exp.Expression]:
        return [self.field(ref) for ref in self.leaf.dims]

    def dim_aliases(self, exprs: list[exp.Expression]) -> list[exp.Expression]:
        return [alias(e, f"d{i}") for i, e in enumerate(exprs)]

    def filters(self) -> list[exp.Expression]:
        return [self.compiled(f.tree) for f in self.leaf.filters]

    def source(self) -> exp.Select:
        query = exp.select().from_(table(view_name(self.leaf.source.name), "t"))
        return self.with_joins(query)

    def with_joins(self, query: exp.Select) -> exp.Select:
        for join, name in self.join_alias.items():
            on = exp.EQ(this=col(join.from_column, "t"), expression=col(join.to_column, name))
            query = query.join(table(view_name(join.to_source), name), on=on, join_type="left")
        return query

    def time_range(self, lower: dt.date | None, upper: dt.date) -> list[exp.Expression]:
        """Rows whose wall-clock time falls in [lower, upper), plus a raw-column guard engines can prune with."""
        assert self.leaf.time is not None
        local = self.local(self.leaf.time)
        out = [exp.LT(this=local, expression=ts_lit(upper))]
        if lower is not None:
            out.insert(0, exp.GTE(this=local.copy(), expression=ts_lit(lower)))
        if self.leaf.time.type is ColumnType.TIMESTAMP and self.plan.timezone != "UTC":
            raw = self.field(self.leaf.time)
            out.append(exp.LT(this=raw, expression=ts_lit(upper + dt.timedelta(days=1))))
            if lower is not None:
                out.append(exp.GTE(this=raw.copy(), expression=ts_lit(lower - dt.timedelta(days=1))))
        return out

    def comment(self) -> str:
        m = self.leaf.metric
        return f"metric {m.id} ({self.leaf.origin}): {self.leaf.agg.value} over {self.leaf.source.name}, {self.leaf.mode.value}"

    def measure(self) -> tuple[exp.Expression, exp.Expression]:
        measure = self.leaf.metric.measure
        assert measure is not None
        return aggregate(measure.agg, self.value(), measure.p, self.dialect)

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
        value, n = self.measure()
        dims = self.dims()
        query = self.source().select(*self.dim_aliases(dims), alias(value, "value"), alias(n, "n"))
        query = _where(query, self.filters())
        return self.name, (query.group_by(*[d.copy() for d in dims]) if dims else query), self.comment()

    def plain(self) -> Cte:
        assert self.leaf.time is not None
        start, end = self.plan.span
        period = period_of(self.local(self.leaf.time), self.plan.query.grain, self.plan.calendar.week_offset)
        value, n = self.measure()
        dims = self.dims()
        query = self.source().select(alias(period, "period"), *self.dim_aliases(dims), alias(value, "value"), alias(n, "n"))
        query = _where(query, self.time_range(start, end) + self.filters())
        return self.name, query.group_by(period.copy(), *[d.copy() for d in dims]), self.comment()

    def rolling(self) -> list[Cte]:
        """Rolling windows and running totals: per-day partial aggregates, then a range join to each period."""
        assert self.leaf.time is not None
        spine = self.plan.spine or ()
        starts = [p.window_starts[self.leaf.index] for p in spine]
        lower = None if any(s is None for s in starts) else min(s for s in starts if s is not None)
        upper = max(p.end for p in spine)
        day = cast(self.local(self.leaf.time), "date")
        dims = self.dims()
        partial, combine = _partials(self.leaf.agg, self.value(), self.leaf.metric.measure.p, self.dialect)  # type: ignore[union-attr]
        base = self.source().select(alias(day, "day"), *self.dim_aliases(dims), *partial)
        base = _where(base, self.time_range(lower, upper) + self.filters())
        group = [day.copy(), *[d.copy() for d in dims]]
        if self.leaf.agg is Agg.COUNT_DISTINCT:
            group.append(self.value())  # type: ignore[arg-type]
        if self.leaf.agg not in (Agg.MEDIAN, Agg.PERCENTILE):
            base = base.group_by(*group)
        base_name = f"{self.name}_days"
        on = [exp.LT(this=col("day", "b"), expression=col("period_end", "s"))]
        if lower is not None:
            on.append(exp.GTE(this=col("day", "b"), expression=col(f"w{self.leaf.index}", "s")))
        dim_cols = [col(f"d{i}", "b") for i in range(len(dims))]
        rolled = (
            exp.select(alias(col("period", "s"), "period"), *[alias(c, f"d{i}") for i, c in enumerate(dim_cols)], *combine)
            .from_(table("spine", "s"))
            .join(table(base_name, "b"), on=all_of(on), join_type="inner")  # type: ignore[arg-type]
            .group_by(col("period", "s"), *[c.copy() for c in dim_cols])
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
            table(view_name(self.leaf.source.name), "t"))
        last = _where(last, self.time_range(start, end)).group_by(period.copy())
        value, n = self.measure()
        dims = self.dims()
        query = self.source().join(table(last_name, "s"), on=exp.EQ(this=local.copy(), expression=col("ts", "s")), join_type="inner")
        query = query.select(alias(col("period", "s"), "period"), *self.dim_aliases(dims), alias(value, "value"), alias(n, "n"))
        query = _where(query, self.time_range(start, end) + self.filters())
        query = query.group_by(col("period", "s"), *[d.copy() for d in dims])
        return [(last_name, last, self.comment() + " (snapshot times)"), (self.name, query, self.comment())]

    def snapshot_interval(self) -> Cte:
        """Rows whose validity interval covers the end of each period."""
        assert self.leaf.time is not None and self.leaf.valid_to is not None
        start_local, end_local = self.local(self.leaf.time), self.local(self.leaf.valid_to)
        as_of = as_timestamp(col("as_of", "s"))
        covers = exp.and_(
            exp.LT(this=start_local, expression=as_of),
            exp.paren(exp.or_(exp.Is(this=end_local, expression=exp.null()), exp.GTE(this=end_local.copy(), expression=as_of.copy()))),
        )
        value, n = self.measure()
        dims = self.dims()
        query = (
            exp.select(alias(col("period", "s"), "period"), *self.dim_aliases(dims), alias(value, "value"), alias(n, "n"))
            .from_(table("spine", "s"))
            .join(table(view_name(self.leaf.source.name), "t"), on=covers, join_type="inner")
        )
        query = _where(self.with_joins(query), self.filters())
        return self.name, query.group_by(col("period", "s"), *[d.copy() for d in dims]), self.comment()


def _where(query: exp.Select, conditions: list[exp.Expression]) -> exp.Select:
    condition = all_of(conditions)
    return query.where(condition) if condition is not None else query


def _partials(agg: Agg, value: exp.Expression | None, p: float | None, dialect: Dialect) -> tuple[list[exp.Expression], list[exp.Expression]]:
    """Per-day partial aggregates and how to combine them over a window (value, n)."""
    b = "b"
    if value is None or agg is Agg.COUNT:
        counted = count_all() if value is None else exp.Count(this=value)
        return [alias(counted, "c")], [alias(exp.Sum(this=col("c", b)), "value"), alias(exp.Sum(this=col("c", b)), "n")]
    n_partial = alias(exp.Count(this=value.copy()), "c")
    n_total = alias(exp.Sum(this=col("c", b)), "n")
    match agg:
        case Agg.SUM:
            return [alias(exp.Sum(this=value), "s"), n_partial], [alias(exp.Sum(this=col("s", b)), "value"), n_total]
        case Agg.AVG:
            ratio = exp.Div(this=as_double(exp.Sum(this=col("s", b))),
                            expression=exp.Nullif(this=exp.Sum(this=col("c", b)), expression=exp.Literal.number(0)))
            return [alias(exp.Sum(this=value), "s"), n_partial], [alias(ratio, "value"), n_total]
        case Agg.MIN | Agg.MAX:
            fn = exp.Min if agg is Agg.MIN else exp.Max
            return [alias(fn(this=value), "s"), n_partial], [alias(fn(this=col("s", b)), "value"), n_total]
        case Agg.COUNT_DISTINCT:
            combined = exp.Count(this=exp.Distinct(expressions=[col("x", b)]))
            return [alias(value, "x"), n_partial], [alias(combined, "value"), n_total]
        case Agg.MEDIAN | Agg.PERCENTILE:
            q = 0.5 if agg is Agg.MEDIAN else p
            assert q is not None
            return [alias(value, "x")], [alias(dialect.quantile_of(col("x", b), q), "value"), alias(exp.Count(this=col("x", b)), "n")]
    raise AssertionError(agg)  # pragma: no cover
