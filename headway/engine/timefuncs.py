"""Time functions and timestamp literals, rendered for each engine with one definition.

Where the engines' own functions disagree (DuckDB's `date_sub` and Spark's `timestampdiff`
count a month from 31 January differently), the definition is written here once, from parts
both engines compute the same way (microseconds since 1970, year, month, day), so the answer
cannot depend on the engine:

- `date_diff(unit, a, b)`: whole units from a to b, truncated toward zero (negative when b is
  earlier). second, minute, hour, day and week are fixed lengths of elapsed time (a day is 24
  hours); month, quarter and year are calendar months on the workspace's wall clock, complete
  when b's day and time of month reach a's (31 Jan -> 29 Feb is 0 months, -> 1 Mar is 1).
- `epoch(ts)`: seconds since 1970-01-01 UTC, with microseconds, as a double.
- `date_trunc(unit, ts)`: the instant the unit began on the workspace's wall clock (weeks
  start on Monday).
- `extract(unit from ts)`, `date(ts)`: on the workspace's wall clock; dow is 0 (Sunday) to 6,
  isodow 1 (Monday) to 7, week the ISO week.
- `ts + interval n unit`: the instant shifted by n units (a month on the UTC calendar).
- A text literal compared with a timestamp is wall-clock time in the workspace zone, unless it
  names its own offset (`'2026-06-10T00:00:00+02:00'`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from sqlglot import exp

from headway.engine.dialects import Dialect
from headway.engine.plan import Leaf
from headway.engine.sql import cast, date_trunc
from headway.spec.fields import FieldRef
from headway.spec.models import Agg, ColumnType
from headway.spec.time_types import TIME_RESULT, shifted
from headway.spec.time_units import unit_of
from headway.spec.typecheck import infer_type

MICROS = {"second": 10**6, "minute": 60 * 10**6, "hour": 3600 * 10**6, "day": 86400 * 10**6, "week": 604800 * 10**6}
MONTHS = {"month": 1, "quarter": 3, "year": 12}
_COMPARE = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)


def fn(name: str, *args: exp.Expr) -> exp.Expr:
    return exp.Anonymous(this=name, expressions=list(args))


def num(value: int | float) -> exp.Expr:
    return exp.Literal.number(value)


class TimeRenderer:
    """Rewrites one user expression's time functions and timestamp literals for one engine."""

    def __init__(self, fields: Mapping[str, FieldRef], zone: str, dialect: Dialect):
        self.fields, self.zone, self.dialect = fields, zone, dialect
        self.types: dict[int, ColumnType | None] = {}

    def kind(self, node: exp.Expr) -> ColumnType | None:
        if id(node) in self.types:
            return self.types[id(node)]
        return infer_type(node, lambda name: self.fields[name].type if name in self.fields else None)

    def rewrite(self, tree: exp.Expr) -> exp.Expr:
        holder = exp.Paren(this=tree.copy())
        nodes = list(holder.dfs())
        for node in nodes:  # types first, while the tree is still what the user wrote
            self.types[id(node)] = self.kind(node)
        for node in nodes[::-1]:  # children before their parents
            new = self.render(node)
            if new is not None:
                self.types[id(new)] = self.types[id(node)]
                node.replace(new)
        return holder.this

    def render(self, node: exp.Expr) -> exp.Expr | None:
        if isinstance(node, exp.DateDiff):
            return self.date_diff(unit_of(node), node.expression, node.this)
        if isinstance(node, exp.TimeToUnix):
            return exp.Div(this=cast(self.epoch_us(self.instant(node.this)), "double"), expression=num(1e6))
        if isinstance(node, exp.TimestampTrunc | exp.DateTrunc):
            return self.trunc(unit_of(node), node.this)
        if isinstance(node, exp.Extract):
            return self.extract(unit_of(node), node.expression)
        if isinstance(node, exp.Date):
            return node.this if self.kind(node.this) is ColumnType.DATE else cast(self.local(node.this), "date")
        if shifted(node) is not None:
            return self.shift(node)
        if isinstance(node, (*_COMPARE, exp.Between, exp.In)):
            self.localize_literals(node)
        return None

    # -- parts both engines compute alike ----------------------------------
    def instant(self, value: exp.Expr) -> exp.Expr:
        """A timestamp (UTC); a date becomes its midnight."""
        return cast(value, "timestamp") if self.kind(value) is ColumnType.DATE else value

    def local(self, value: exp.Expr) -> exp.Expr:
        """Wall-clock time in the workspace zone; dates are already calendar days."""
        if self.kind(value) is ColumnType.DATE:
            return cast(value, "timestamp")
        return value if self.zone == "UTC" else self.dialect.local_time(value, self.zone)

    def epoch_us(self, value: exp.Expr) -> exp.Expr:
        return fn(self.dialect.epoch_us, value)

    def date_diff(self, unit: str, start: exp.Expr, end: exp.Expr) -> exp.Expr:
        if unit in MICROS:
            elapsed = exp.Sub(this=self.epoch_us(self.instant(end)), expression=self.epoch_us(self.instant(start)))
            return _toward_zero(elapsed, MICROS[unit])
        a, b = self.local(start), self.local(end)
        months = exp.Sub(this=_month_number(b), expression=_month_number(a))
        short = exp.LT(this=self.rest_of_month(b), expression=self.rest_of_month(a.copy()))
        long = exp.GT(this=self.rest_of_month(b.copy()), expression=self.rest_of_month(a.copy()))
        adjust = exp.Case(
            ifs=[
                exp.If(this=exp.and_(exp.GT(this=months.copy(), expression=num(0)), short), true=num(1)),
                exp.If(this=exp.and_(exp.LT(this=months.copy(), expression=num(0)), long), true=num(-1)),
            ],
            default=num(0),
        )
        whole = exp.Paren(this=exp.Sub(this=months, expression=adjust))
        return _toward_zero(whole, MONTHS[unit])

    def rest_of_month(self, local: exp.Expr) -> exp.Expr:
        """Microseconds from the start of its month to a wall-clock time."""
        day_start = date_trunc("day", local.copy())
        into_day = exp.Sub(this=self.epoch_us(local.copy()), expression=self.epoch_us(day_start))
        day = fn(self.dialect.extract["day"][0], local)
        days = exp.Mul(this=exp.Paren(this=exp.Sub(this=day, expression=num(1))), expression=num(MICROS["day"]))
        return exp.Paren(this=exp.Add(this=days, expression=into_day))

    def trunc(self, unit: str, value: exp.Expr) -> exp.Expr:
        truncated = cast(date_trunc(unit, self.local(value)), "timestamp")
        if self.zone == "UTC" or self.kind(value) is ColumnType.DATE:
            return truncated
        return self.dialect.utc_time(truncated, self.zone)

    def extract(self, unit: str, value: exp.Expr) -> exp.Expr:
        name, offset = self.dialect.extract[unit]
        part = fn(name, self.local(value))
        return exp.Paren(this=exp.Add(this=part, expression=num(offset))) if offset else part

    def shift(self, node: exp.Expr) -> exp.Expr:
        interval = node.expression if isinstance(node.expression, exp.Interval) else node.this
        moved = shifted(node)
        assert isinstance(interval, exp.Interval) and moved is not None
        unit, count = unit_of(interval), int(interval.this.name)
        if unit == "week":
            unit, count = "day", count * 7
        step = exp.Interval(this=exp.Literal.string(str(count)), unit=exp.Var(this=unit.upper()))
        base = cast(self.instant(moved), "timestamp")
        return exp.Sub(this=base, expression=step) if isinstance(node, exp.Sub) else exp.Add(this=base, expression=step)

    def localize_literals(self, node: exp.Expr) -> None:
        """`ts >= '2026-06-10'` means midnight in the workspace zone: swap the text for that UTC instant."""
        subject = node.this
        if self.kind(subject) is not ColumnType.TIMESTAMP:
            others = [node.expression] if isinstance(node, _COMPARE) else []
            if isinstance(node, _COMPARE) and self.kind(node.expression) is ColumnType.TIMESTAMP:
                others, subject = [node.this], node.expression
            else:
                return
        else:
            others = _compared_values(node)
        for value in others:
            instant = _utc_instant(value, self.zone)
            if instant is not None:
                value.replace(cast(exp.Literal.string(instant.isoformat(sep=" ")), "timestamp"))


def _compared_values(node: exp.Expr) -> list[exp.Expr]:
    if isinstance(node, exp.Between):
        return [v for v in (node.args.get("low"), node.args.get("high")) if v is not None]
    if isinstance(node, exp.In):
        return list(node.expressions)
    return [node.expression]


def _utc_instant(value: exp.Expr, zone: str) -> dt.datetime | None:
    if not (isinstance(value, exp.Literal) and value.is_string):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.name)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _month_number(local: exp.Expr) -> exp.Expr:
    twelve = exp.Mul(this=fn("year", local.copy()), expression=num(12))
    return exp.Paren(this=exp.Add(this=twelve, expression=fn("month", local.copy())))


def _toward_zero(value: exp.Expr, unit: int) -> exp.Expr:
    """value / unit, truncated toward zero, as a whole number (floor of the magnitude, signed)."""
    magnitude = fn("floor", exp.Div(this=cast(fn("abs", value.copy()), "double"), expression=num(float(unit))))
    return cast(exp.Mul(this=fn("sign", value), expression=magnitude), "bigint")


def uses_time(tree: exp.Expr) -> bool:
    """Whether an expression needs rewriting at all: most use no time function and compare no text."""
    return any(
        isinstance(n, (*TIME_RESULT, exp.Interval)) or (isinstance(n, exp.Literal) and n.is_string) for n in tree.walk()
    )


def render_time(tree: exp.Expr, fields: Mapping[str, FieldRef], zone: str, dialect: Dialect) -> exp.Expr:
    """`tree` with its time functions in `dialect`'s SQL and its timestamp literals as UTC instants."""
    if not uses_time(tree):
        return tree
    return TimeRenderer(fields, zone, dialect).rewrite(tree)


def decimal_averaged(value: exp.Expr, leaf: Leaf) -> exp.Expr:
    """A decimal averaged or ranked as a double, so both engines answer alike.

    Over a decimal, DuckDB's avg and quantile answer in double or decimal and Spark's in a rounded
    decimal or double; sums, minimums and maximums stay exact decimals.
    """
    measure = leaf.metric.measure
    if measure is None or measure.agg not in (Agg.AVG, Agg.MEDIAN, Agg.PERCENTILE) or leaf.value is None:
        return value
    kind = infer_type(leaf.value.tree, lambda name: leaf.fields[name].type if name in leaf.fields else None)
    return cast(value, "double") if kind is ColumnType.DECIMAL else value
