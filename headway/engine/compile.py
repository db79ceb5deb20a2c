"""Compile a plan to one SQL query for an engine.

Shape of every query: a literal calendar (`spine`), one CTE per leaf, a frame
of every period x every dimension value seen (so empty periods appear), the
derived value computed per period and dimension, and an optional comparison.

A query of one plain scan with nothing per period but the period itself may also be
compiled *without* its calendar (`frameless`): the value computed straight from the
scan's rows. That answer is the same as the calendar's wherever the data has a row
in every period, which the engine checks before using it (see `Engine._run`); the
calendar's join is most of what a millisecond query costs DuckDB to plan and run.
"""

from __future__ import annotations

from sqlglot import exp

from headway.engine import spine, stats
from headway.engine.compile_leaf import Scan, ScanCompiler, n_is_value, plan_scans
from headway.engine.dialects import Dialect
from headway.engine.plan import FormulaNode, LeafRef, Mode, Node, Plan, RatioNode
from headway.engine.sql import alias, as_double, col, joined, null_safe_eq, replace_all, safe_divide, table


def frameless(plan: Plan) -> bool:
    """Whether the plan may be compiled without its calendar (and its frame of periods x dimension values):
    one plain scan, no comparison, and no per-period flag (coverage, requested) that is not constant."""
    if plan.spine is None or plan.query.compare is not None:
        return False
    if any(leaf.mode is not Mode.PLAIN or leaf.time is None for leaf in plan.leaves):
        return False
    return len(plan_scans(plan)) == 1 and spine.carried(plan) == ["period"]


def compile_plan(plan: Plan, dialect: Dialect, *, bare: bool = False) -> exp.Select:
    """The plan as one SELECT; `bare` (only where `frameless`): without the calendar, one row per period
    that has data."""
    assert not bare or frameless(plan)
    ctes: list[tuple[str, exp.Expr, str]] = []
    if plan.spine is not None and not bare:
        ctes.append(("spine", spine.spine_select(plan, dialect), "calendar: every period in range"))
    scans = plan_scans(plan)
    for scan in scans:
        ctes.extend(ScanCompiler(scan, plan, dialect).ctes())
    home = {leaf.index: scan.name for scan in scans for leaf in scan.leaves}
    dim_names = [f"d{i}" for i in range(len(plan.dims))]
    if bare:
        query = _result(plan, scans, home, dim_names, dialect, bare=True)
        query.add_comments([f"metric {plan.metric.id} ({plan.origin})"])
        return _with(query, ctes)
    if dim_names:
        ctes.append(("dim_keys", _keys(plan, scans, dim_names), "every dimension value seen in range"))
    if dim_names or plan.spine is None:  # without dimensions the frame is the calendar itself
        ctes.append(("frame", _frame(plan, dim_names), "periods x dimension values"))
    result = _result(plan, scans, home, dim_names, dialect)
    if _projects_result(plan):  # the final SELECT would only repeat the result's columns: the result is final
        query = result
        query.add_comments([f"metric {plan.metric.id} ({plan.origin})"])
    else:
        ctes.append(("result", result, f"metric {plan.metric.id} ({plan.origin})"))
        query = _final(plan, dim_names, home)
    return _with(query, ctes)


def _with(query: exp.Select, ctes: list[tuple[str, exp.Expr, str]]) -> exp.Select:
    """`query` with the CTEs before it, each commented with what it is."""
    for name, select, comment in ctes:
        query = query.with_(exp.to_identifier(name, quoted=True), as_=select, copy=False)
        query.args["with_"].expressions[-1].add_comments([comment])
    return query


def render(plan: Plan, dialect: Dialect, pretty: bool = True, *, bare: bool = False) -> str:
    q = plan.query
    header = [
        f"-- headway: metric {plan.metric.id} ({plan.origin})",
        f"-- grain={q.grain.value} by={','.join(q.by) or '-'} engine={dialect.name} spec={plan.spec_hash}",
    ]
    if bare:
        header.append("-- without the calendar: a period (or value) without rows gets no row; this data has none")
    tree = compile_plan(plan, dialect, bare=bare)
    return "\n".join(header) + "\n" + dialect.generate(tree, pretty=pretty, copy=False)


def _keys(plan: Plan, scans: list[Scan], dims: list[str]) -> exp.Expr:
    selects: list[exp.Select] = []
    for scan in scans:
        name = scan.name
        select = exp.select(*[col(d, name) for d in dims]).from_(table(name), copy=False)
        if plan.spine is not None:  # values seen only in a --compare period get no row
            on = exp.EQ(this=col("period", name), expression=col("period", "spine"))
            select = joined(select, table("spine"), on, "INNER")
            requested = spine.ref(plan, "requested", "spine")
            if requested != exp.true():
                select = select.where(requested, copy=False)
        selects.append(select.distinct(copy=False))
    union: exp.Expr = selects[0]
    for select in selects[1:]:
        union = exp.union(union, select, distinct=True, copy=False)
    return exp.select(*[col(d, "k") for d in dims]).from_(
        exp.Subquery(this=union, alias=exp.TableAlias(this=exp.to_identifier("k"))), copy=False
    )


def _frame(plan: Plan, dims: list[str]) -> exp.Select:
    spine_cols = spine.carried(plan) if plan.spine is not None else []
    columns = [col(c, "s") for c in spine_cols] + [col(d, "k") for d in dims]
    if plan.spine is not None:
        query = exp.select(*columns).from_(table("spine", "s"), copy=False)
        return joined(query, table("dim_keys", "k"), how="CROSS") if dims else query
    if dims:
        return exp.select(*columns).from_(table("dim_keys", "k"), copy=False)
    return exp.select(alias(exp.Literal.number(1), "one"))


def _result(
    plan: Plan, scans: list[Scan], home: dict[int, str], dims: list[str], dialect: Dialect, *, bare: bool = False
) -> exp.Select:
    spine_cols = [c for c in spine.carried(plan) if not spine.is_cover(c)] if plan.spine is not None else []
    frame = "spine" if plan.spine is not None and not dims else "frame"
    values = [
        e
        for k, (_, node) in enumerate(plan.roots)
        for e in (alias(_value(plan, home, node), suffixed("value", k)), alias(_n(plan, home, node), suffixed("n", k)))
    ]
    rows = scans[0].name if bare else "f"  # bare: the scan is the frame, its own periods, nothing joined
    query = exp.select(
        *[col(c, rows) for c in spine_cols],
        *[col(d, rows) for d in dims],
        *values,
        *stats.result_columns(plan, home, dialect),
    ).from_(table(rows) if bare else table(frame, "f"), copy=False)
    if bare:  # rows without a time fall in no period
        return query.where(exp.not_(exp.Is(this=col("period", rows), expression=exp.null())), copy=False)
    for scan in scans:
        name = scan.name
        keys = [null_safe_eq(col(d, name), col(d, "f")) for d in dims]
        if plan.spine is not None:
            keys.insert(0, exp.EQ(this=col("period", name), expression=col("period", "f")))
        on = (
            exp.and_(*keys, copy=False)
            if keys
            else exp.EQ(this=exp.Literal.number(1), expression=exp.Literal.number(1))
        )
        query = joined(query, table(name), on)
    return query


def _value(plan: Plan, home: dict[int, str], node: Node) -> exp.Expr:
    match node:
        case LeafRef(index):
            value = col(f"v{index}", home[index])
            leaf = plan.leaves[index]
            if not leaf.additive:
                return value
            zero = exp.Coalesce(this=value, expressions=[exp.Literal.number(0)])
            if plan.spine is None or leaf.time is None:
                return zero
            # 0 where the source has data but no matching rows; unknown where it has no data at all
            covered = spine.ref(plan, f"c{index}", "f")
            return zero if covered == exp.true() else exp.Case(ifs=[exp.If(this=covered, true=zero)])
        case RatioNode(numerator, denominator):
            return safe_divide(_value(plan, home, numerator), _value(plan, home, denominator))
        case FormulaNode(tree, parts):
            tree = replace_all(tree, exp.Column, lambda c: exp.paren(_value(plan, home, parts[c.name]), copy=False))
            tree = replace_all(tree, exp.Div, lambda d: safe_divide(d.this, d.expression), copy=False)
            return as_double(tree)
    raise AssertionError(node)  # pragma: no cover


def _n(plan: Plan, home: dict[int, str], node: Node) -> exp.Expr:
    """Sample size: rows behind a leaf; a ratio's denominator; a formula's largest part."""
    match node:
        case LeafRef(index):
            leaf = plan.leaves[index]
            counted = "v" if n_is_value(leaf) else "n"
            return exp.Coalesce(this=col(f"{counted}{index}", home[index]), expressions=[exp.Literal.number(0)])
        case RatioNode(_, denominator):
            return _n(plan, home, denominator)
        case FormulaNode(_, parts):
            counts = [_n(plan, home, p) for p in parts.values()]
            if len(counts) == 1:
                return counts[0]
            # every count is COALESCEd, never NULL: the engine's own GREATEST, without a NULL guard around it
            return exp.Greatest(this=counts[0], expressions=counts[1:], ignore_nulls=True)
    raise AssertionError(node)  # pragma: no cover


def suffixed(name: str, k: int) -> str:
    """The column of the k-th metric of a plan: `value`, `n`… for the first, `value_1`, `n_1`… after it."""
    return name if k == 0 else f"{name}_{k}"


def _projects_result(plan: Plan) -> bool:
    """Whether the final SELECT is the result's own columns in their order: no comparison joined in, no
    period filtered out, no per-period flag carried (each would be a column the answer does not show)."""
    if plan.query.compare is not None:
        return False
    if plan.spine is None:
        return True
    return [c for c in spine.carried(plan) if not spine.is_cover(c)] == ["period"]  # `requested` is always true


def _final(plan: Plan, dims: list[str], home: dict[int, str]) -> exp.Select:
    out_dims = [col(d, "r") for d in dims]
    extra = [col(name, "r") for name in stats.names(plan, home)]
    values = [col(suffixed(c, k), "r") for k in range(len(plan.roots)) for c in ("value", "n")]
    if plan.spine is None:
        return exp.select(*out_dims, *values, *extra).from_(table("result", "r"), copy=False)
    base = [col("period", "r"), *out_dims, *values, *extra]
    requested = spine.ref(plan, "requested", "r")
    if plan.query.compare is None:
        query = exp.select(*base).from_(table("result", "r"), copy=False)
        return query if requested == exp.true() else query.where(requested, copy=False)
    compare_period = spine.ref(plan, "compare_period", "r")
    on = exp.and_(
        exp.EQ(this=col("period", "c"), expression=compare_period),
        *[null_safe_eq(col(d, "c"), col(d, "r")) for d in dims],
    )
    compared: list[exp.Expr] = [alias(compare_period.copy(), "compare_period")]
    for k in range(len(plan.roots)):
        value = suffixed("value", k)
        change = exp.Sub(this=col(value, "r"), expression=col(value, "c"))
        pct = safe_divide(change.copy(), exp.Abs(this=col(value, "c")))
        compared += [
            alias(col(value, "c"), suffixed("compare_value", k)),
            alias(change, suffixed("change", k)),
            alias(pct, suffixed("change_pct", k)),
        ]
    if stats.wanted(plan):  # the earlier period's statistics, for a test of the change
        compared += [alias(col(c, "c"), f"compare_{c}") for c in ("n", *stats.names(plan, home))]
    query = exp.select(*base, *compared).from_(table("result", "r"), copy=False)
    return joined(query, table("result", "c"), on).where(requested, copy=False)
