"""Types of the time functions: what each yields, and what each must be given."""

from __future__ import annotations

from sqlglot import exp

from headway.spec.models import ColumnType

TIME_RESULT = (exp.DateDiff, exp.TimeToUnix, exp.TimestampTrunc, exp.DateTrunc, exp.Extract, exp.Date)
_RESULTS: dict[type[exp.Expr], ColumnType] = {
    exp.DateDiff: ColumnType.INTEGER,
    exp.TimeToUnix: ColumnType.DOUBLE,
    exp.TimestampTrunc: ColumnType.TIMESTAMP,
    exp.DateTrunc: ColumnType.TIMESTAMP,
    exp.Extract: ColumnType.INTEGER,
    exp.Date: ColumnType.DATE,
}
_NAMES: dict[type[exp.Expr], str] = {
    exp.DateDiff: "date_diff",
    exp.TimeToUnix: "epoch",
    exp.TimestampTrunc: "date_trunc",
    exp.DateTrunc: "date_trunc",
    exp.Extract: "extract",
    exp.Date: "date",
}


def time_result(node: exp.Expr) -> ColumnType:
    return _RESULTS[type(node)]


def shifted(node: exp.Expr) -> exp.Expr | None:
    """For `ts + interval 7 day` (or `-`), the time being shifted; None for other nodes."""
    if isinstance(node, exp.Add | exp.Sub) and isinstance(node.expression, exp.Interval):
        return node.this
    if isinstance(node, exp.Add) and isinstance(node.this, exp.Interval):
        return node.expression
    return None


def time_arguments(node: exp.Expr) -> list[exp.Expr]:
    """The time values a time function reads (both ends of a date_diff)."""
    if isinstance(node, exp.DateDiff):
        return [node.expression, node.this]
    if isinstance(node, exp.Extract):
        return [node.expression]
    if isinstance(node, TIME_RESULT):
        return [node.this]
    moved = shifted(node)
    return [moved] if moved is not None else []


def time_name(node: exp.Expr) -> str:
    """How the user wrote the function: `date_diff()`, or `interval` for ts + interval 7 day."""
    return f"{_NAMES[type(node)]}()" if type(node) in _NAMES else "interval arithmetic"
