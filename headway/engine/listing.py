"""The rows behind a value: a source's rows in a time range that pass a spec filter.

Used by `explain`. The SQL is built with SQLGlot from the parsed, whitelisted filter
(columns re-quoted), the period bounds converted to UTC instants in Python, and equality
conditions as literals; no user text is pasted into it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlglot import exp

from headway.engine.query import QueryError
from headway.engine.sql import col, table
from headway.engine.views import view_name
from headway.spec.expressions import ExpressionError, Purpose, field_name, parse

if TYPE_CHECKING:
    from headway.engine.engine import Engine

MAX_ROWS = 1000


def utc_bound(day: dt.date, zone: str) -> dt.datetime:
    """Local midnight of `day` in the workspace zone, as naive UTC wall-clock (how views hold time)."""
    local = dt.datetime.combine(day, dt.time(), ZoneInfo(zone))
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def listing_sql(
    engine: Engine,
    source: str,
    time_column: str,
    start: dt.date,
    end: dt.date,
    condition: str | None = None,
    equals: dict[str, Any] | None = None,
    limit: int = MAX_ROWS,
) -> str:
    ws = engine.workspace
    declared = ws.sources[source].columns
    wheres: list[exp.Expr] = []
    for day, op in ((start, exp.GTE), (end, exp.LT)):
        moment = utc_bound(day, ws.config.timezone).isoformat(sep=" ")
        literal = exp.Cast(this=exp.Literal.string(moment), to=exp.DataType.build("timestamp"))
        wheres.append(op(this=col(time_column), expression=literal))
    if condition:
        try:
            tree = parse(condition, Purpose.FILTER).tree.copy()
        except ExpressionError as error:
            raise QueryError(str(error)) from None
        for column in list(tree.find_all(exp.Column)):
            name = field_name(column)
            if name not in declared:
                raise QueryError(f"explain lists one source's own columns; '{name}' is not a column of '{source}'")
            column.replace(col(name))
        wheres.append(exp.paren(tree, copy=False))
    for name, value in (equals or {}).items():
        if name not in declared:
            raise QueryError(f"'{name}' is not a column of '{source}'")
        wheres.append(exp.Is(this=col(name), expression=exp.Null()) if value is None else exp.EQ(
            this=col(name), expression=exp.convert(value)
        ))  # fmt: skip
    query = exp.select(*[col(name) for name in declared]).from_(table(view_name(source)))
    query = query.where(*wheres).order_by(col(time_column)).limit(max(1, min(limit, MAX_ROWS)))
    return query.sql(engine.backend.dialect.sqlglot)


def list_rows(
    engine: Engine, source: str, time_column: str, start: dt.date, end: dt.date, **kwargs: Any
) -> list[dict[str, Any]]:
    """Rows of `source` with local time in [start, end), filtered; values as JSON-ready Python."""
    engine._prepare(engine.workspace.sources[source])  # registers the typed view
    sql = listing_sql(engine, source, time_column, start, end, **kwargs)
    names, rows = engine.backend.execute(sql)
    zone = ZoneInfo(engine.workspace.config.timezone)
    out = []
    for row in rows:
        item = {}
        for name, value in zip(names, row, strict=True):
            if isinstance(value, dt.datetime):  # UTC wall-clock from the view: say which instant it is
                value = value.replace(tzinfo=dt.UTC).astimezone(zone).isoformat()
            elif isinstance(value, dt.date):
                value = value.isoformat()
            item[name] = value
        out.append(item)
    return out
