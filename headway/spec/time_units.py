"""The time functions an expression may use, and the units each accepts.

`date_diff('hour', a, b)`, `epoch(ts)`, `date_trunc('month', ts)`, `extract(dow from ts)`,
`date(ts)` and `ts + interval 7 day`. Units are a closed list, checked when the expression is
parsed, so an engine never sees a unit it would read differently. What each function means
(identically on every engine) is in docs/spec.md; the engines' SQL is in headway/engine/timefuncs.py.
"""

from __future__ import annotations

import itertools

import sqlglot
from sqlglot import exp
from sqlglot.errors import TokenError
from sqlglot.tokens import TokenType

DIFF_UNITS = ("second", "minute", "hour", "day", "week", "month", "quarter", "year")
TRUNC_UNITS = ("minute", "hour", "day", "week", "month", "quarter", "year")
EXTRACT_UNITS = ("year", "quarter", "month", "week", "day", "doy", "dow", "isodow", "hour", "minute", "second")
INTERVAL_UNITS = ("second", "minute", "hour", "day", "week", "month", "year")
_ALIASES = {"dayofweek": "dow", "dayofyear": "doy", "weekday": "dow", "days": "day", "hours": "hour"}


def unit_name(node: exp.Expr | None) -> str:
    """`HOURS`, `'hour'` or `hour` as the unit's one spelling, `hour`."""
    if node is None:
        return ""
    text = node.name.lower() if isinstance(node, exp.Var | exp.Literal | exp.Identifier) else node.sql().lower()
    text = _ALIASES.get(text, text)
    return text[:-1] if text.endswith("s") and text[:-1] in DIFF_UNITS else text


def unit_of(node: exp.Expr) -> str:
    if isinstance(node, exp.Extract):
        return unit_name(node.this)
    return unit_name(node.args.get("unit"))


def is_unit(node: exp.Var) -> bool:
    parent = node.parent
    return isinstance(parent, exp.DateDiff | exp.TimestampTrunc | exp.DateTrunc | exp.Extract | exp.Interval)


def check_time_node(node: exp.Expr) -> tuple[str, str] | None:
    """(message, hint) when a time function is used with a unit or shape it does not take."""
    if isinstance(node, exp.DateDiff):
        return _unit_problem("date_diff", unit_of(node), DIFF_UNITS, "date_diff('hour', opened_at, merged_at)")
    if isinstance(node, exp.TimestampTrunc | exp.DateTrunc):
        return _unit_problem("date_trunc", unit_of(node), TRUNC_UNITS, "date_trunc('month', ts)")
    if isinstance(node, exp.Extract):
        return _unit_problem("extract", unit_of(node), EXTRACT_UNITS, "extract(dow from ts)")
    if isinstance(node, exp.Interval):
        count = node.this
        if not (isinstance(count, exp.Literal) and count.name.lstrip("-").isdigit()):
            return (
                f"interval {node.this.sql() if node.this else ''} is not a whole number",
                "Write a number and a unit, e.g. ts + interval 7 day.",
            )
        if not isinstance(node.parent, exp.Add | exp.Sub):
            return "an interval can only be added to or subtracted from a time", "Write ts + interval 7 day."
        return _unit_problem("interval", unit_of(node), INTERVAL_UNITS, "ts + interval 7 day")
    return None


def _unit_problem(function: str, unit: str, allowed: tuple[str, ...], example: str) -> tuple[str, str] | None:
    if unit in allowed:
        return None
    return f"{function} does not take the unit '{unit}'", f"Use one of: {', '.join(allowed)}, e.g. {example}."


def typed_function_name(text: str, allowed: set[str]) -> str | None:
    """The first function name in the user's own text that is not allowed (`datediff`, not sqlglot's name)."""
    try:
        tokens = sqlglot.tokenize(text, read="duckdb")
    except TokenError:
        return None
    for token, following in itertools.pairwise(tokens):
        if following.token_type is TokenType.L_PAREN and token.token_type is not TokenType.STRING:
            name = token.text.lower()
            if name.isidentifier() and name not in allowed and name not in _KEYWORDS:
                return name
    return None


_KEYWORDS = {"in", "and", "or", "not", "cast", "case", "when", "then", "else", "end", "is", "between", "interval"}
