"""Catch comparisons between a column and a value of the wrong type before any engine runs.

`mrr > 'abc'` or `plan = 1` would otherwise fail deep in the engine (or, worse,
be cast silently); here they become a spec or query error that says what to write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlglot import exp

from headway.spec.expressions import field_name
from headway.spec.models import ColumnType
from headway.spec.time_types import TIME_RESULT, shifted, time_argument_errors, time_result

NUMERIC = {ColumnType.INTEGER, ColumnType.DOUBLE, ColumnType.DECIMAL}
TEMPORAL = {ColumnType.TIMESTAMP, ColumnType.DATE}
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)


def type_errors(tree: exp.Expr, type_of: Callable[[str], ColumnType | None]) -> list[tuple[str, str]]:
    """(message, hint) for each column compared with a literal it cannot equal, or a time function misused."""
    problems = time_argument_errors(tree, lambda node: infer_type(node, type_of))
    for column, literal in _pairs(tree):
        kind = type_of(field_name(column))
        if kind is not None:
            problem = _mismatch(field_name(column), kind, literal)
            if problem is not None:
                problems.append(problem)
    return problems


def _pairs(tree: exp.Expr) -> list[tuple[exp.Column, exp.Expr]]:
    pairs: list[tuple[exp.Column, exp.Expr]] = []
    for compared in tree.find_all(*_COMPARISONS):
        left, right = compared.this, compared.expression
        if isinstance(left, exp.Column) and _is_value(right):
            pairs.append((left, right))
        elif isinstance(right, exp.Column) and _is_value(left):
            pairs.append((right, left))
    for member in tree.find_all(exp.In):
        if isinstance(member.this, exp.Column):
            pairs += [(member.this, v) for v in member.expressions if _is_value(v)]
    for span in tree.find_all(exp.Between):
        if isinstance(span.this, exp.Column):
            pairs += [
                (span.this, v) for v in (span.args.get("low"), span.args.get("high")) if v is not None and _is_value(v)
            ]
    return pairs


def _is_value(node: exp.Expr) -> bool:
    if isinstance(node, exp.Neg):
        node = node.this
    return isinstance(node, exp.Literal | exp.Boolean)


def _mismatch(name: str, kind: ColumnType, value: exp.Expr) -> tuple[str, str] | None:
    text = value.sql()
    is_text = isinstance(value, exp.Literal) and value.is_string
    is_number = not is_text and not isinstance(value, exp.Boolean)
    if kind in NUMERIC and not is_number:
        return f"compares {kind.value} column '{name}' with {text}", f"Write a number, e.g. {name} > 100."
    if kind is ColumnType.STRING and not is_text:
        return f"compares text column '{name}' with {text}", f"Quote text in single quotes, e.g. {name} = '{text}'."
    if kind is ColumnType.BOOLEAN and not isinstance(value, exp.Boolean):
        return f"compares boolean column '{name}' with {text}", f"Write {name} = true, or just {name} / not {name}."
    if kind in TEMPORAL and not (is_text and _is_time(value.name)):
        return (
            f"compares {kind.value} column '{name}' with {text}, which is not a date or time",
            f"Write an ISO date or time in quotes, e.g. {name} >= '2026-01-31'.",
        )
    return None


def _is_time(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


_TEXT_FUNCTIONS = (exp.Lower, exp.Upper, exp.Trim)
_NUMBER_NODES = (
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.Div,
    exp.Mod,
    exp.Neg,
    exp.Abs,
    exp.Round,
    exp.Floor,
    exp.Ceil,
    exp.Length,
)
_BOOLEAN_NODES = (*_COMPARISONS, exp.And, exp.Or, exp.Not, exp.In, exp.Between, exp.Is, exp.Like, exp.ILike)
_CAST_TYPES = {
    exp.DataType.Type.VARCHAR: ColumnType.STRING,
    exp.DataType.Type.TEXT: ColumnType.STRING,
    exp.DataType.Type.BIGINT: ColumnType.INTEGER,
    exp.DataType.Type.INT: ColumnType.INTEGER,
    exp.DataType.Type.DOUBLE: ColumnType.DOUBLE,
    exp.DataType.Type.BOOLEAN: ColumnType.BOOLEAN,
    exp.DataType.Type.TIMESTAMP: ColumnType.TIMESTAMP,
    exp.DataType.Type.DATE: ColumnType.DATE,
}


def infer_type(tree: exp.Expr, type_of: Callable[[str], ColumnType | None]) -> ColumnType | None:
    """The type an expression yields, when it can be told from its shape; None when it cannot."""
    while isinstance(tree, exp.Paren):
        tree = tree.this
    if isinstance(tree, TIME_RESULT):
        return time_result(tree)
    if shifted(tree) is not None:
        return ColumnType.TIMESTAMP
    if isinstance(tree, exp.Column):
        return type_of(field_name(tree))
    if isinstance(tree, exp.Literal):
        return ColumnType.STRING if tree.is_string else ColumnType.DOUBLE
    if isinstance(tree, (exp.Boolean, *_BOOLEAN_NODES)):
        return ColumnType.BOOLEAN
    if isinstance(tree, _TEXT_FUNCTIONS):
        return ColumnType.STRING
    if isinstance(tree, _NUMBER_NODES):
        return ColumnType.DOUBLE
    if isinstance(tree, exp.Cast):
        return _CAST_TYPES.get(tree.to.this)
    if isinstance(tree, exp.Case):
        branches = [i.args.get("true") for i in tree.args.get("ifs", [])] + [tree.args.get("default")]
        kinds = {infer_type(b, type_of) for b in branches if b is not None and not isinstance(b, exp.Null)}
        return kinds.pop() if len(kinds) == 1 else None
    if isinstance(tree, exp.Coalesce | exp.Greatest | exp.Least | exp.Nullif):
        return infer_type(tree.this, type_of)
    return None
