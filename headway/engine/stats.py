"""Sufficient statistics beside each value, on request (`Query(stats=True)`), computed in the engine's SQL.

Intervals are computed in Python from a few numbers per value (gbstats' shape), never
from raw rows pulled out of the engine:

- a sum or an average over a plain or snapshot scan: `sum` and `sum_sq` of the measure's
  values (with `n`, the rows behind it);
- a ratio of two counts or sums read in one shared scan: per row (the unit), x is the
  numerator's contribution and y the denominator's; `units`, `num_sum` (Σx), `num_sum_sq` (Σx²),
  `den_sum` (Σy), `den_sum_sq` (Σy²) and `num_den_sum` (Σxy) give the delta-method variance, and
  `nested` says the numerator's rows are a subset of the denominator's (a proportion: Wilson).

- a median or percentile: the sorted values' windows around the order-statistic ranks of a
  95% interval, which `rows.py` turns into `ci_low_value` and `ci_high_value` (`order_stats.py`).

Other shapes (counts, windows, formulas, ratios across sources) carry no statistics;
the analysis layer says so with a reason code rather than inventing an interval.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from headway.engine import order_stats
from headway.engine.dialects import DUCKDB, Dialect
from headway.engine.plan import Leaf, LeafRef, Mode, Plan, RatioNode
from headway.engine.sql import alias, as_double, col
from headway.spec.models import Agg

if TYPE_CHECKING:
    from headway.engine.compile_leaf import ScanCompiler

MOMENT_AGGS = {Agg.SUM, Agg.AVG}
RATIO_AGGS = {Agg.COUNT, Agg.SUM}
QUANTILE_AGGS = {Agg.MEDIAN, Agg.PERCENTILE}
STAT_MODES = {Mode.PLAIN, Mode.SNAPSHOT_INTERVAL, Mode.SNAPSHOT_LAST}
PAIR_COLUMNS = ("units", "num_sum", "num_sum_sq", "den_sum", "den_sum_sq", "num_den_sum", "nested")


def wanted(plan: Plan) -> bool:
    return plan.query.stats


def ratio_pair(plan: Plan) -> tuple[Leaf, Leaf] | None:
    """The numerator and denominator leaves of a ratio whose units are the rows of one source."""
    root = plan.root
    if not (isinstance(root, RatioNode) and isinstance(root.numerator, LeafRef)):
        return None
    if not isinstance(root.denominator, LeafRef):
        return None
    num, den = plan.leaves[root.numerator.leaf], plan.leaves[root.denominator.leaf]
    same = (num.source.name, num.mode, num.time, num.valid_to, num.dims) == (
        den.source.name,
        den.mode,
        den.time,
        den.valid_to,
        den.dims,
    )
    if same and num.agg in RATIO_AGGS and den.agg in RATIO_AGGS and num.mode in STAT_MODES:
        return num, den
    return None


def leaf_moments(sc: ScanCompiler, leaf: Leaf, condition: exp.Expr | None) -> list[exp.Expr]:
    """s<i> = Σ value and q<i> = Σ value² for a sum or an average."""
    value = sc.value(leaf)
    if wanted(sc.plan) and leaf.agg in QUANTILE_AGGS and leaf.mode in STAT_MODES and value is not None:
        return order_stats.scan_columns(value, condition, leaf.index, leaf_q(leaf), sc.plan.query.level)
    if not wanted(sc.plan) or leaf.agg not in MOMENT_AGGS or leaf.mode not in STAT_MODES or value is None:
        return []
    x = as_double(value)
    out: list[exp.Expr] = [exp.Sum(this=x), exp.Sum(this=exp.Mul(this=x.copy(), expression=x.copy()))]
    if condition is not None:
        out = [exp.Filter(this=e, expression=exp.Where(this=condition.copy())) for e in out]
    return [alias(out[0], f"s{leaf.index}"), alias(out[1], f"q{leaf.index}")]


def pair_moments(sc: ScanCompiler, conditions: dict[int, exp.Expr | None]) -> list[exp.Expr]:
    """Per-row cross moments of a ratio's two parts, when both are computed by this scan."""
    pair = ratio_pair(sc.plan) if wanted(sc.plan) else None
    if pair is None or not all(leaf in sc.scan.leaves for leaf in pair):
        return []
    x, y = (_contribution(sc, leaf, conditions.get(leaf.index)) for leaf in pair)

    def total(e: exp.Expr) -> exp.Expr:
        return exp.Sum(this=e)

    def times(a: exp.Expr, b: exp.Expr) -> exp.Expr:
        return exp.Mul(this=a.copy(), expression=b.copy())

    stray: exp.Expr = exp.Count(this=exp.Star())
    stray = exp.Filter(this=stray, expression=exp.Where(this=exp.GT(this=x.copy(), expression=y.copy())))
    nested = exp.EQ(this=stray, expression=exp.Literal.number(0))
    values = [exp.Count(this=exp.Star()), total(x), total(times(x, x)), total(y), total(times(y, y))]
    values += [total(times(x, y)), nested]
    return [alias(v, f"pair_{name}") for v, name in zip(values, PAIR_COLUMNS, strict=True)]


def _contribution(sc: ScanCompiler, leaf: Leaf, condition: exp.Expr | None) -> exp.Expr:
    """What one row adds to a count or a sum: 1/0 for a count, the value (0 when null) for a sum."""
    value = sc.value(leaf)
    if leaf.agg is Agg.SUM and value is not None:
        amount: exp.Expr = exp.Coalesce(this=as_double(value), expressions=[exp.Literal.number(0)])
    elif value is not None:  # count(col): rows where col is not null
        amount = exp.Case(
            ifs=[exp.If(this=exp.Not(this=exp.Is(this=value, expression=exp.null())), true=exp.Literal.number(1))],
            default=exp.Literal.number(0),
        )
    else:
        amount = exp.Literal.number(1)
    if condition is None:
        return as_double(amount)
    return as_double(exp.Case(ifs=[exp.If(this=condition.copy(), true=amount)], default=exp.Literal.number(0)))


def result_columns(plan: Plan, home: dict[int, str], dialect: Dialect = DUCKDB) -> list[exp.Expr]:
    """The statistics of the metric's value, as columns of the result CTE."""
    if not wanted(plan):
        return []
    root = plan.root
    if isinstance(root, LeafRef):
        leaf = plan.leaves[root.leaf]
        if leaf.agg in MOMENT_AGGS and leaf.mode in STAT_MODES and leaf.value is not None:
            name = home[leaf.index]
            return [alias(col(f"s{leaf.index}", name), "sum"), alias(col(f"q{leaf.index}", name), "sum_sq")]
        if quantile(plan) is not None:
            return order_stats.result_columns(leaf.index, home[leaf.index], dialect)
        return []
    pair = ratio_pair(plan)
    if pair is None or home[pair[0].index] != home[pair[1].index]:
        return []
    name = home[pair[0].index]
    return [alias(col(f"pair_{c}", name), c) for c in PAIR_COLUMNS]


def quantile(plan: Plan) -> float | None:
    """q of a median or percentile whose order-statistic windows this stats query returns, else None."""
    root = plan.root
    if not (wanted(plan) and isinstance(root, LeafRef)):
        return None
    leaf = plan.leaves[root.leaf]
    if leaf.agg not in QUANTILE_AGGS or leaf.mode not in STAT_MODES or leaf.value is None:
        return None
    return leaf_q(leaf)


def leaf_q(leaf: Leaf) -> float:
    return 0.5 if leaf.agg is Agg.MEDIAN else float(leaf.metric.measure.p)  # type: ignore[union-attr,arg-type]


def names(plan: Plan, home: dict[int, str]) -> list[str]:
    return [e.alias for e in result_columns(plan, home)]  # the names are the same on every engine
