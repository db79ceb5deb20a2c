"""Rolling scans (windows and running totals): per-day partial aggregates, then a range join to each period."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from headway.engine.dialects import Dialect
from headway.engine.sql import Cte, alias, all_of, as_double, cast, col, count_all, grouped, joined, table, where_all
from headway.spec.models import Agg

if TYPE_CHECKING:
    from headway.engine.compile_leaf import ScanCompiler


def rolling(c: ScanCompiler) -> list[Cte]:
    """Rolling windows and running totals: per-day partial aggregates, then a range join to each period."""
    assert c.leaf.time is not None
    index = c.leaf.index
    spine = c.plan.spine or ()
    starts = [p.window_starts[index] for p in spine]
    lower = None if any(s is None for s in starts) else min(s for s in starts if s is not None)
    upper = max(p.end for p in spine)
    day = cast(c.local(c.leaf.time), "date")
    dims = c.dims()
    value = c.value(c.leaf)
    measure = c.leaf.metric.measure
    assert measure is not None
    partial, combine = _partials(c.leaf.agg, value, measure.p, c.dialect, index)
    base = c.source().select(alias(day, "day"), *c.dim_aliases(dims), *partial, copy=False)
    base = where_all(base, c.time_range(lower, upper) + c.filters())
    group = [day, *dims]
    if c.leaf.agg is Agg.COUNT_DISTINCT and value is not None:
        group.append(value)
    if c.leaf.agg not in (Agg.MEDIAN, Agg.PERCENTILE):
        base = grouped(base, group)
    base_name = f"{c.name}_days"
    on: list[exp.Expr] = [exp.LT(this=col("day", "b"), expression=col("period_end", "s"))]
    if lower is not None:
        on.append(exp.GTE(this=col("day", "b"), expression=col(f"w{index}", "s")))
    dim_cols = [col(f"d{i}", "b") for i in range(len(dims))]
    rolled = exp.select(
        alias(col("period", "s"), "period"), *[alias(c, f"d{i}") for i, c in enumerate(dim_cols)], *combine
    ).from_(table("spine", "s"), copy=False)
    rolled = joined(rolled, table(base_name, "b"), all_of(on), "INNER")
    rolled = rolled.group_by(col("period", "s"), *[c.copy() for c in dim_cols], copy=False)
    return [(base_name, base, c.comment() + " (per-day partials)"), (c.name, rolled, c.comment())]


def _partials(
    agg: Agg, value: exp.Expr | None, p: float | None, dialect: Dialect, index: int
) -> tuple[list[exp.Expr], list[exp.Expr]]:
    """Per-day partial aggregates and how to combine them over a window (v<i>, n<i>)."""
    b, v, n = "b", f"v{index}", f"n{index}"
    if value is None or agg is Agg.COUNT:
        counted = count_all() if value is None else exp.Count(this=value)
        return [alias(counted, "c")], [alias(exp.Sum(this=col("c", b)), v)]  # a count's n is its value
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
            return [alias(value, "x")], [alias(combined, v)]  # its n is its value (`n_is_value`)
        case Agg.MEDIAN | Agg.PERCENTILE:
            q = 0.5 if agg is Agg.MEDIAN else p
            assert q is not None
            return [alias(value, "x")], [
                alias(dialect.quantile_of(col("x", b), q), v),
                alias(exp.Count(this=col("x", b)), n),
            ]
    raise AssertionError(agg)  # pragma: no cover
