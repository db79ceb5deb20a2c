"""The scans of a plan and what every scan shares: columns, filters, measures, time range.

Each scan yields CTEs with period, dims, and v<i>, n<i> for each leaf i; how it
aggregates over time is its mode's module (`scan_plain`, `scan_rolling`,
`scan_snapshot`), dispatched from `ScanCompiler.ctes`.

Leaves that read the same source the same way (same mode, time column and
dimensions) share one scan: each gets its own aggregate with `FILTER (WHERE
its filter)`, so NPS's promoters, detractors and responses cost one pass, not
three. Rolling windows and last-value snapshots get a scan of their own.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from cachetools import LRUCache
from sqlglot import exp

from headway.engine import scan_plain, scan_rolling, scan_snapshot, stats
from headway.engine.dialects import Dialect
from headway.engine.plan import Leaf, Mode, Plan
from headway.engine.sql import (
    Cte,
    aggregate,
    alias,
    all_of,
    as_timestamp,
    col,
    ident,
    joined,
    replace_all,
    safe_divide,
    table,
    ts_lit,
)
from headway.engine.timefuncs import decimal_averaged, render_time
from headway.engine.views import view_name
from headway.spec.expressions import Parsed, field_name
from headway.spec.fields import FieldRef
from headway.spec.models import Agg, ColumnType

SHAREABLE = {Mode.PLAIN, Mode.SNAPSHOT_INTERVAL}
_compiled: LRUCache[tuple[object, ...], exp.Expr] = LRUCache(maxsize=4096)  # see ScanCompiler.compiled
_compiled_lock = threading.Lock()


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
        self._split: tuple[list[exp.Expr], list[list[exp.Expr]]] | None = None

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

    def compiled(self, parsed: Parsed, leaf: Leaf) -> exp.Expr:
        """A user expression with each column swapped for its resolved, quoted reference.

        Division by zero is NULL, as in formulas (DuckDB would give inf, ANSI Spark an error).
        Compiled once per (text, the fields it reads and how the scan names them, zone, engine):
        type-checking and rewriting its time functions is most of a small query's planning.
        """
        refs = tuple((name, ref, self._alias_of(ref)) for name in parsed.fields for ref in (leaf.fields[name],))
        key = (parsed.text, refs, self.plan.timezone, self.dialect.name)
        with _compiled_lock:
            found = _compiled.get(key)
        if found is None:
            tree = render_time(parsed.tree, leaf.fields, self.plan.timezone, self.dialect)
            tree = replace_all(tree, exp.Column, lambda c: self.field(leaf.fields[field_name(c)]))
            found = replace_all(tree, exp.Div, lambda d: safe_divide(d.this, d.expression), copy=False)
            with _compiled_lock:
                _compiled[key] = found
        return found.copy()

    def _alias_of(self, ref: FieldRef) -> str | None:
        return self.join_alias[ref.join] if ref.join is not None else None

    def value(self, leaf: Leaf) -> exp.Expr | None:
        return decimal_averaged(self.compiled(leaf.value, leaf), leaf) if leaf.value else None

    def dims(self) -> list[exp.Expr]:
        return [self.field(ref) for ref in self.leaf.dims]

    def dim_aliases(self, exprs: list[exp.Expr]) -> list[exp.Expr]:
        return [alias(e, f"d{i}") for i, e in enumerate(exprs)]

    def own_conditions(self, leaf: Leaf) -> list[exp.Expr]:
        """The leaf's own filter as a list of conditions that must all hold (its top-level ANDs split)."""
        out: list[exp.Expr] = []
        for parsed in leaf.filters:
            out.extend(conjuncts(self.compiled(parsed, leaf)))
        return out

    def split_filters(self) -> tuple[list[exp.Expr], list[list[exp.Expr]]]:
        """The conditions every leaf of the scan shares, and what each leaf adds to them.

        NPS's `survey = 'nps'`, `survey = 'nps' AND score >= 9` and `survey = 'nps' AND score <= 6`
        share `survey = 'nps'` (the scan's WHERE) and add nothing, `score >= 9` and `score <= 6`.
        """
        if self._split is None:
            own = [self.own_conditions(leaf) for leaf in self.scan.leaves]  # SQLGlot trees compare by structure
            common = [c for c in own[0] if all(c in conditions for conditions in own[1:])]
            rest = [[c for c in conditions if c not in common] for conditions in own]
            self._split = common, rest
            return common, rest  # fresh trees: the first caller may have them, later callers get copies
        common, rest = self._split
        return [c.copy() for c in common], [[c.copy() for c in r] for r in rest]

    def filters(self) -> list[exp.Expr]:
        """The scan's WHERE: the --where, the conditions all leaves share, and the OR of what each adds.

        A condition is written once however many leaves share it (`(NOT is_trial) OR (NOT is_trial)` is
        `NOT is_trial`), and when some leaf adds nothing there is no OR: that leaf reads every shared row.
        """
        out: list[exp.Expr] = [self.compiled(self.leaf.where, self.leaf)] if self.leaf.where else []
        common, rest = self.split_filters()
        out.extend(common)
        if rest and all(rest):
            distinct = list(dict.fromkeys(c for c in (all_of(r) for r in rest) if c is not None))
            out.append(distinct[0] if len(distinct) == 1 else exp.or_(*distinct, copy=False))
        return out

    def measures(self) -> list[exp.Expr]:
        """v<i> and n<i> for each leaf, each `FILTER`ed to what its leaf adds to the scan's shared conditions.

        n<i> is left out where it would repeat v<i> (see `n_is_value`).
        """
        out: list[exp.Expr] = []
        _, rest = self.split_filters()
        conditions: dict[int, exp.Expr | None] = {}
        for leaf, extra in zip(self.scan.leaves, rest, strict=True):
            measure = leaf.metric.measure
            assert measure is not None
            value, n = aggregate(measure.agg, self.value(leaf), measure.p, self.dialect)
            condition = all_of(extra) if len(self.scan.leaves) > 1 else None
            conditions[leaf.index] = condition
            out.extend(stats.leaf_moments(self, leaf, condition))
            if condition is not None:
                value = exp.Filter(this=value, expression=exp.Where(this=condition))
                n = exp.Filter(this=n, expression=exp.Where(this=condition.copy()))
            out.append(alias(value, f"v{leaf.index}"))
            if not n_is_value(leaf):
                out.append(alias(n, f"n{leaf.index}"))
        return out + stats.pair_moments(self, conditions)

    def source(self) -> exp.Select:
        return self.with_joins(exp.select().from_(table(view_name(self.leaf.source.name), "t"), copy=False))

    def with_joins(self, query: exp.Select) -> exp.Select:
        for join, name in self.join_alias.items():
            on = exp.EQ(this=col(join.from_column, "t"), expression=col(join.to_column, name))
            query = joined(query, table(view_name(join.to_source), name), on)
        return query

    def time_range(self, lower: dt.date | None, upper: dt.date) -> list[exp.Expr]:
        """Rows whose wall-clock time falls in [lower, upper), plus a raw-column guard engines can prune with.

        Nothing when the range holds all of the source's data: such a filter removes no row and costs a
        comparison per row (~11% of a 5M-row scan).
        """
        assert self.leaf.time is not None
        if not self.cuts(lower, upper):
            return []
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

    def cuts(self, lower: dt.date | None, upper: dt.date) -> bool:
        """Whether local days [lower, upper) leave out some of the source's data (or its span is unknown)."""
        span = self.plan.data_spans[self.leaf.index] if self.plan.data_spans else True
        if isinstance(span, bool):
            return True
        first, last = span
        return (lower is not None and first < lower) or last >= upper

    def comment(self) -> str:
        parts = [f"metric {leaf.metric.id} ({leaf.origin}) as v{leaf.index}" for leaf in self.scan.leaves]
        agg = "" if len(parts) > 1 else f" {self.leaf.agg.value}"
        return f"{'; '.join(parts)}:{agg} over {self.leaf.source.name}, {self.leaf.mode.value}"

    # -- modes ------------------------------------------------------------
    def ctes(self) -> list[Cte]:
        if self.plan.timeless or self.leaf.time is None:
            return [scan_plain.timeless(self)]
        match self.leaf.mode:
            case Mode.PLAIN:
                return [scan_plain.plain(self)]
            case Mode.WINDOW | Mode.CUMULATIVE:
                return scan_rolling.rolling(self)
            case Mode.SNAPSHOT_LAST:
                return scan_snapshot.snapshot_last(self)
            case Mode.SNAPSHOT_INTERVAL:
                return [scan_snapshot.snapshot_interval(self)]


def n_is_value(leaf: Leaf) -> bool:
    """Where n is the value itself, read from v<i> rather than computed twice.

    A count's n is the rows behind it. A distinct count's n is the distinct values counted: the units
    (users, accounts) a per-unit figure is an average over, and a second plain COUNT beside
    COUNT(DISTINCT) would cost DuckDB ~25% of the scan (its distinct aggregate loses its fast path).
    """
    return leaf.agg in (Agg.COUNT, Agg.COUNT_DISTINCT)


def conjuncts(condition: exp.Expr) -> list[exp.Expr]:
    """`a AND (b AND c)` as [a, b, c]: the conditions that must all hold."""
    while isinstance(condition, exp.Paren):
        condition = condition.this
    if isinstance(condition, exp.And):
        return [*conjuncts(condition.this), *conjuncts(condition.expression)]
    return [condition]
