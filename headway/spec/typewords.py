"""The words and rules of type checking: type families, safe conversions, and how a mismatch reads.

`typecheck.py` walks an expression; this module says what fits with what and how to say it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlglot import exp

from headway.spec.models import ColumnType

NUMERIC = {ColumnType.INTEGER, ColumnType.DOUBLE, ColumnType.DECIMAL}
TEMPORAL = {ColumnType.TIMESTAMP, ColumnType.DATE}
INT64_MAX = 2**63 - 1
Problem = tuple[str, str]
COMPARE_HINT = (
    "Compare like with like: numbers with numbers, text with 'quoted text', times with an ISO date in quotes."
)
TIME_MATH_HINT = (
    "Times cannot be added or subtracted in an expression; store the duration as a number column "
    "(e.g. hours_to_merge) in the source."
)
DECLARE_HINT = "Declare the column with the type you need in its source; Headway converts it when reading the files."


@dataclass(frozen=True)
class Typed:
    """What an expression yields: a column type (None: unknown or NULL) and, for a text literal, its text."""

    kind: ColumnType | None
    literal: str | None = None


def show(node: exp.Expr) -> str:
    text = node.sql(dialect="duckdb")
    return text if len(text) <= 60 else text[:57] + "..."


def a_type(kind: ColumnType) -> str:
    return f"an {kind.value}" if kind.value[0] in "aeiou" else f"a {kind.value}"


def family(kind: ColumnType | None) -> str | None:
    if kind in NUMERIC:
        return "number"
    if kind in TEMPORAL:
        return "time"
    return kind.value if kind is not None else None


def article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def is_zero(literal: exp.Literal) -> bool:
    try:
        return not literal.is_string and float(literal.name) == 0
    except ValueError:
        return False


def cast_problem(node: exp.Cast, inner: Typed, target: ColumnType) -> Problem | None:
    """Casts that fail on ordinary data: text columns to other types, times to numbers and back."""
    source = inner.kind
    assert source is not None
    if family(source) == family(target):
        return None
    if {source, target} <= {ColumnType.BOOLEAN, *NUMERIC}:
        return None
    shown = f"'{show(node)}'"
    if inner.literal is not None:
        if literal_converts(inner.literal, target):
            return None
        return f"{shown}: the text '{inner.literal}' is not {a_type(target)}", f"Write {a_type(target)} value."
    if source is ColumnType.STRING:
        return f"{shown} can fail on the data: '{show(node.this)}' is text, not {a_type(target)}", DECLARE_HINT
    if source is ColumnType.STRUCT:
        return f"{shown}: '{show(node.this)}' is a struct", "Cast one of its fields instead."
    return (
        f"{shown}: {a_type(source)} cannot be converted to {a_type(target)}",
        "A time is not a number: compare it with an ISO date in quotes, e.g. ts >= '2026-01-31'."
        if source in TEMPORAL or target in TEMPORAL
        else DECLARE_HINT,
    )


def literal_converts(text: str, target: ColumnType) -> bool:
    if target in TEMPORAL:
        return is_time(text)
    if target is ColumnType.BOOLEAN:
        return text.strip().lower() in {"true", "false", "t", "f", "1", "0", "yes", "no"}
    try:
        value = float(text) if target is ColumnType.DOUBLE else int(text.strip())
    except ValueError:
        return False
    return abs(value) <= INT64_MAX if target is ColumnType.INTEGER else True


def is_value(node: exp.Expr) -> bool:
    if isinstance(node, exp.Neg):
        node = node.this
    return isinstance(node, exp.Literal | exp.Boolean)


def mismatch(name: str, kind: ColumnType, value: exp.Expr) -> Problem | None:
    text = value.sql()
    is_text = isinstance(value, exp.Literal) and value.is_string
    is_number = not is_text and not isinstance(value, exp.Boolean)
    if kind in NUMERIC and not is_number:
        return f"compares {kind.value} column '{name}' with {text}", f"Write a number, e.g. {name} > 100."
    if kind is ColumnType.STRING and not is_text:
        return f"compares text column '{name}' with {text}", f"Quote text in single quotes, e.g. {name} = '{text}'."
    if kind is ColumnType.BOOLEAN and not isinstance(value, exp.Boolean):
        return f"compares boolean column '{name}' with {text}", f"Write {name} = true, or just {name} / not {name}."
    if kind in TEMPORAL and not (is_text and is_time(value.name)):
        return (
            f"compares {kind.value} column '{name}' with {text}, which is not a date or time",
            f"Write an ISO date or time in quotes, e.g. {name} >= '2026-01-31'.",
        )
    if kind is ColumnType.STRUCT:
        return (
            f"compares struct column '{name}' with {text}",
            f"A struct cannot be compared; use one of its fields, e.g. {name}.<field>.",
        )
    return None


def is_time(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True
