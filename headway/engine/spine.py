"""The calendar a query reads (the spine), as literal rows computed in Python: one row per period.

Only columns that vary from period to period travel as rows. A column with one value in every
period (every period requested, no --compare, a source holding data for every period) is a
literal where the SQL reads it: nothing to unnest, cast, carry through joins or test per row.
On a query over a few thousand rows, that was most of a fixed ~3 ms the calendar cost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlglot import exp

from headway.engine.dialects import Dialect
from headway.engine.plan import Mode, Period, Plan
from headway.engine.sql import alias, cast, col

FLAGS = {"requested"}  # boolean columns besides c<i>


def filled(plan: Plan) -> list[int]:
    """Leaves whose empty periods read as 0 (counts and sums), and so need to know where their data starts."""
    return [leaf.index for leaf in plan.leaves if leaf.additive and leaf.time is not None]


def _values(plan: Plan, name: str) -> Iterator[bool | dt.date | None]:
    """The column's value in each period."""
    assert plan.spine is not None

    def one(p: Period) -> bool | dt.date | None:
        match name:
            case "period":
                return p.start
            case "period_end":
                return p.end
            case "as_of":
                return p.as_of
            case "requested":
                return p.requested
            case "compare_period":
                return p.compare
        index = int(name[1:])
        return p.covered[index] if name[0] == "c" else p.window_starts[index]

    return (one(p) for p in plan.spine)


def constant(plan: Plan, name: str) -> exp.Expr | None:
    """The literal a spine column always holds, or None when it varies (then it is a column)."""
    held = _held(plan, name)
    return _literal(held[0], boolean=_is_flag(name)) if held is not None else None


def _held(plan: Plan, name: str) -> tuple[bool | dt.date | None] | None:
    """(the value,) a spine column holds in every period, or None when it varies."""
    if name == "period":
        return None
    memo = _memo(plan)
    key = ("constant", name)
    if key not in memo:  # asked for each column of each CTE: the periods are scanned once per calendar
        values = iter(_values(plan, name))
        first = next(values)
        memo[key] = None if any(v != first for v in values) else (first,)
    return memo[key]  # type: ignore[return-value]


_CALENDARS: dict[int, tuple[tuple[Period, ...], dict[tuple[str, str], object]]] = {}


def _memo(plan: Plan) -> dict[tuple[str, str], object]:
    """What compiling works out from a calendar's periods, kept with those periods.

    The planner hands every query over the same range the same (memoized) tuple of periods, so
    facts about its columns are worked out once, not once per query. Keyed by the tuple's
    identity, checked, and holding the tuple so the identity cannot be reused while kept."""
    periods = plan.spine
    assert periods is not None  # only a plan with a calendar has spine columns
    found = _CALENDARS.get(id(periods))
    if found is None or found[0] is not periods:
        if len(_CALENDARS) >= 1024:
            _CALENDARS.clear()
        found = (periods, {})
        _CALENDARS[id(periods)] = found
    return found[1]


def _texts(plan: Plan, name: str) -> list[str]:
    """A spine column's values as the text the engine reads back (see `_text`), once per calendar."""
    memo = _memo(plan)
    key = ("text", name)
    if key not in memo:
        memo[key] = [_text(v) for v in _values(plan, name)]
    return memo[key]  # type: ignore[return-value]


def ref(plan: Plan, name: str, table: str) -> exp.Expr:
    """A spine column as read through `table` (a CTE carrying it), or its literal when constant."""
    literal = constant(plan, name)
    return literal if literal is not None else col(name, table)


def carried(plan: Plan) -> list[str]:
    """The per-period columns that must travel with each row past the scans: period, and the varying flags."""
    names = ["requested", "compare_period", *(f"c{i}" for i in filled(plan))]
    return ["period", *(n for n in names if _held(plan, n) is None)]


def spine_select(plan: Plan, dialect: Dialect) -> exp.Select:
    """SELECT the varying columns the query reads, one row per period."""
    rolling = [leaf.index for leaf in plan.leaves if leaf.mode in (Mode.WINDOW, Mode.CUMULATIVE)]
    interval = any(leaf.mode is Mode.SNAPSHOT_INTERVAL for leaf in plan.leaves)
    names = [
        *carried(plan),
        *(["period_end"] if rolling else []),
        *(["as_of"] if interval else []),
        *(f"w{i}" for i in rolling),
    ]
    columns = {name: _texts(plan, name) for name in names}
    typed = [_typed(n) for n in columns]
    if dialect.literal_rows_as_arrays:
        # one string per column, split by the engine: a daily calendar is a few nodes, not thousands
        split = [alias(exp.Unnest(expressions=[_split(name, values)]), name) for name, values in columns.items()]
        if len(split) == 1:  # the period alone: no flags to type
            return exp.select(*split)
        inner = exp.Subquery(this=exp.select(*split), alias=exp.TableAlias(this=exp.to_identifier("v")))
        typed[0] = col("period", "v")  # already dates: the list was cast whole
        return exp.select(*typed).from_(inner, copy=False)
    rows = [exp.Tuple(expressions=[exp.Literal.string(v) for v in row]) for row in zip(*columns.values(), strict=True)]
    names_sql = [exp.to_identifier(n, quoted=True) for n in columns]
    values = exp.Values(expressions=rows, alias=exp.TableAlias(this=exp.to_identifier("v"), columns=names_sql))
    return exp.select(*typed).from_(values, copy=False)


def _split(name: str, values: list[str]) -> exp.Expr:
    """The column's values as a list split from one string; `period` (never empty) cast to dates in one go."""
    listed: exp.Expr = exp.Anonymous(
        this="string_split", expressions=[exp.Literal.string(",".join(values)), exp.Literal.string(",")]
    )
    if name == "period":
        listed = exp.Cast(this=listed, to=DATE_LIST.copy())
    return listed


DATE_LIST = exp.DataType(
    this=exp.DataType.Type.ARRAY, expressions=[exp.DataType(this=exp.DataType.Type.DATE)], nested=True
)


def is_cover(name: str) -> bool:
    """c<i>: does leaf i's source hold data for the period?"""
    return name[0] == "c" and name[1:].isdigit()


def _is_flag(name: str) -> bool:
    return name in FLAGS or is_cover(name)


def _text(value: bool | dt.date | None) -> str:
    """Dates travel as ISO strings, flags as 't'/'f', nothing as ''; each column is cast once."""
    if isinstance(value, bool):
        return "t" if value else "f"
    return value.isoformat() if value is not None else ""


def _literal(value: bool | dt.date | None, *, boolean: bool) -> exp.Expr:
    if boolean:
        return exp.true() if value else exp.false()
    if value is None:
        return cast(exp.null(), "date")
    assert isinstance(value, dt.date)
    return cast(exp.Literal.string(value.isoformat()), "date")


def _typed(name: str) -> exp.Expr:
    """Typed back from text: 't'/'f' to boolean, ISO dates to DATE, '' to NULL."""
    if _is_flag(name):
        return alias(exp.EQ(this=col(name, "v"), expression=exp.Literal.string("t")), name)
    text = exp.Nullif(this=col(name, "v"), expression=exp.Literal.string(""))
    return alias(cast(text, "date"), name)
