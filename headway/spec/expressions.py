"""User-written expressions (filters, measures, formulas): parsed, never pasted.

Every expression goes through SQLGlot's parser and is then checked node by
node against a whitelist. Anything not on it -- subqueries, a second
statement, table functions, unknown functions -- is refused with a message
that names it. The engine later swaps each column for a resolved, quoted
reference, so no user text ever reaches SQL as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import TokenType

from headway.errors import SpecProblem
from headway.spec.time_units import check_time_node, is_unit, typed_function_name

MAX_LENGTH = 4000
MAX_NODES = 400


class Purpose(StrEnum):
    FILTER = "filter"
    MEASURE = "measure"
    FORMULA = "formula"


ExpressionError = SpecProblem  # one class for expression and field problems (kept name for readers)


_LOGIC = (exp.And, exp.Or, exp.Not, exp.Paren)
_COMPARE = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.In, exp.Between, exp.Is, exp.Like, exp.ILike)
_ARITH = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg)
_ATOMS = (exp.Column, exp.Identifier, exp.Literal, exp.Boolean, exp.Null, exp.Tuple)
_CONDITIONAL = (exp.Case, exp.If, exp.Cast, exp.DataType)
_TIME = (exp.Interval, exp.Var)  # `interval 7 day`; a Var is only ever a unit, checked in time_units.py

FUNCTIONS: dict[type[exp.Expr], str] = {
    exp.Lower: "lower",
    exp.Upper: "upper",
    exp.Trim: "trim",
    exp.Length: "length",
    exp.Coalesce: "coalesce",
    exp.Abs: "abs",
    exp.Round: "round",
    exp.Floor: "floor",
    exp.Ceil: "ceil",
    exp.Nullif: "nullif",
    exp.Greatest: "greatest",
    exp.Least: "least",
    exp.DateDiff: "date_diff",
    exp.TimeToUnix: "epoch",
    exp.TimestampTrunc: "date_trunc",
    exp.DateTrunc: "date_trunc",
    exp.Extract: "extract",
    exp.Date: "date",
}
_FORMULA_FUNCTIONS: set[type[exp.Expr]] = {
    exp.Coalesce,
    exp.Abs,
    exp.Round,
    exp.Nullif,
    exp.Greatest,
    exp.Least,
    exp.Floor,
    exp.Ceil,
}
CAST_TYPES = {
    exp.DataType.Type.VARCHAR: "string",
    exp.DataType.Type.TEXT: "string",
    exp.DataType.Type.BIGINT: "integer",
    exp.DataType.Type.INT: "integer",
    exp.DataType.Type.DOUBLE: "double",
    exp.DataType.Type.BOOLEAN: "boolean",
    exp.DataType.Type.TIMESTAMP: "timestamp",
    exp.DataType.Type.TIMESTAMPNTZ: "timestamp",  # how SQLGlot's DuckDB reader spells `timestamp`
    exp.DataType.Type.DATE: "date",
}
_ALLOWED: dict[Purpose, tuple[type[exp.Expr], ...]] = {
    Purpose.FILTER: _LOGIC + _COMPARE + _ARITH + _ATOMS + _CONDITIONAL + _TIME + tuple(FUNCTIONS),
    Purpose.MEASURE: _LOGIC + _COMPARE + _ARITH + _ATOMS + _CONDITIONAL + _TIME + tuple(FUNCTIONS),
    Purpose.FORMULA: (exp.Paren, exp.Column, exp.Identifier, exp.Literal, exp.Null, *_ARITH, *_FORMULA_FUNCTIONS),
}
_CONDITION_ROOTS = (*_LOGIC, *_COMPARE, exp.Column, exp.Boolean, exp.Case, exp.If)


@dataclass(frozen=True)
class Parsed:
    text: str
    tree: exp.Expr
    fields: tuple[str, ...]


def field_name(column: exp.Column) -> str:
    """`properties.feature` or `account.plan` as one dotted name."""
    return ".".join(part.name for part in column.parts)


def parse(text: str, purpose: Purpose) -> Parsed:
    """Parse and whitelist-check one expression; raise ExpressionError on anything else."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError(f"the {purpose.value} is empty", "Write an expression such as plan = 'pro'.")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the {purpose.value} is {len(text)} characters long; the limit is {MAX_LENGTH}")
    tree = _parse_one(text, purpose)
    _check_nodes(tree, purpose, text)
    if purpose is Purpose.FILTER and not isinstance(_unwrap(tree), _CONDITION_ROOTS):
        raise ExpressionError(
            f"'{text}' is not a condition",
            "A filter must be true or false for each row, e.g. mrr > 0 or plan = 'pro'.",
        )
    for node in tree.walk():
        node.comments = None
    if purpose is not Purpose.FORMULA:
        _null_on_zero(tree)
    fields = tuple(dict.fromkeys(field_name(c) for c in tree.find_all(exp.Column)))
    return Parsed(text, tree, fields)


ZERO_GUARD = "headway_zero_guard"


def _null_on_zero(tree: exp.Expr) -> None:
    """`a / b` and `a % b` become `a / NULLIF(b, 0)`: a zero divisor in the data gives null (TENETS),
    on every engine, where DuckDB 2 and Spark's ANSI mode would fail the whole query."""
    for node in list(tree.find_all(exp.Div, exp.Mod)):
        guard = exp.Nullif(this=node.expression, expression=exp.Literal.number(0))
        guard.meta[ZERO_GUARD] = True
        node.set("expression", guard)


MAX_DEPTH = 32  # levels of parentheses every stage (parse, check, compile, both engines) is tested to handle


def _check_depth(text: str, purpose: Purpose) -> None:
    """Refuse deep nesting before the (recursive) parser sees it."""
    try:
        tokens = sqlglot.tokenize(text, read="duckdb")
    except TokenError:
        raise ExpressionError(
            f"cannot parse {purpose.value} '{text}': a quote or comment is not closed",
            "Close every ' and /* you open; text values go in single quotes.",
        ) from None
    depth = deepest = 0
    for token in tokens:
        if token.token_type is TokenType.L_PAREN:
            depth += 1
            deepest = max(deepest, depth)
        elif token.token_type is TokenType.R_PAREN:
            depth -= 1
    if deepest > MAX_DEPTH:
        raise ExpressionError(
            f"the {purpose.value} is nested too deeply ({deepest} levels of parentheses; the limit is {MAX_DEPTH})"
        )


def _parse_one(text: str, purpose: Purpose) -> exp.Expr:
    _check_depth(text, purpose)
    try:
        statements = [s for s in sqlglot.parse(text, read="duckdb") if s is not None]
    except (ParseError, TokenError) as error:
        raise ExpressionError(
            f"cannot parse {purpose.value} '{text}': {_first_line(error)}", _syntax_hint(purpose)
        ) from None
    except RecursionError:
        raise ExpressionError(
            f"the {purpose.value} is nested too deeply", "Write it with fewer nested parentheses, NOTs or CASEs."
        ) from None
    if not statements:  # nothing but a comment, e.g. `-- plan = 'pro'`
        raise ExpressionError(f"the {purpose.value} holds only a comment", "Write an expression such as plan = 'pro'.")
    if len(statements) != 1:
        raise ExpressionError(
            f"the {purpose.value} holds {len(statements)} statements; it must be one expression",
            "Remove the ';' and anything after it.",
        )
    tree: exp.Expr = statements[0]
    return tree


def _check_nodes(tree: exp.Expr, purpose: Purpose, text: str = "") -> None:
    allowed = _ALLOWED[purpose]
    count = 0
    for node in tree.walk():
        count += 1
        if count > MAX_NODES:
            raise ExpressionError(f"the {purpose.value} is too large (over {MAX_NODES} parts)")
        if isinstance(node, exp.Column) and isinstance(node.this, exp.Star):
            raise ExpressionError("'*' is not a column", "Name the column you mean.")
        if isinstance(node, exp.In) and (node.args.get("query") or node.args.get("unnest")):
            raise ExpressionError("IN takes a list of values, not a subquery", "Write IN ('a', 'b').")
        if purpose is Purpose.FORMULA and isinstance(node, exp.Literal) and node.is_string:
            raise ExpressionError(
                f"text {node.sql()} is not allowed in a formula", "A formula is arithmetic over metric ids and numbers."
            )
        if isinstance(node, exp.DataType):
            _check_cast_type(node)
            continue
        if isinstance(node, allowed) and not isinstance(node, exp.Var):
            problem = check_time_node(node)
            if problem is not None:
                raise ExpressionError(*problem)
            continue
        if isinstance(node, exp.Var) and is_unit(node) and isinstance(node, allowed):
            continue
        raise ExpressionError(*_refusal(node, purpose, text))  # type: ignore[arg-type]


def _check_cast_type(node: exp.DataType) -> None:
    if node.this not in CAST_TYPES:
        raise ExpressionError(
            f"cannot cast to {node.sql(dialect='duckdb')}",
            "Cast to one of: string, integer, double, boolean, timestamp, date.",
        )
    if node.this is exp.DataType.Type.TIMESTAMPNTZ:  # one spelling, the one every engine's view uses
        node.set("this", exp.DataType.Type.TIMESTAMP)


def _refusal(node: exp.Expr, purpose: Purpose, text: str = "") -> tuple[str, str]:
    if isinstance(node, exp.Query | exp.Subquery) or node.find(exp.Query) is not None:
        return "subqueries are not allowed", "Filter on the source's own columns instead."
    if isinstance(node, exp.Func):
        allowed_names = {FUNCTIONS[f] for f in (_FORMULA_FUNCTIONS if purpose is Purpose.FORMULA else FUNCTIONS)}
        names = sorted(allowed_names)
        typed = typed_function_name(text, allowed_names)  # the name as written (`unix_timestamp`), not SQLGlot's
        name = typed or (node.sql_name().lower() if not isinstance(node, exp.Anonymous) else str(node.this).lower())
        if not typed and text and name not in text.lower():  # an operator SQLGlot reads as a function (`->`)
            return f"'{_shown(node)}' is not allowed in a {purpose.value}", _syntax_hint(purpose)
        return f"function '{name}' is not allowed in a {purpose.value}", f"Allowed functions: {', '.join(names)}."
    plain = PLAIN_WORDS.get(type(node))
    if plain is not None:
        return f"{plain} cannot be used in a {purpose.value}", _syntax_hint(purpose)
    if purpose is Purpose.FORMULA:
        return (
            f"'{node.sql()}' is not allowed in a formula",
            "A formula is arithmetic (+ - * /) over metric ids and numbers, e.g. (a - b) / b.",
        )
    return f"'{node.sql()}' is not allowed in a {purpose.value}", _syntax_hint(purpose)


# what a refused construct is, in the words of the person who wrote it (never SQLGlot's class names)
PLAIN_WORDS: dict[type[exp.Expr], str] = {
    exp.NullSafeNEQ: "'is distinct from'",
    exp.NullSafeEQ: "'is not distinct from'",
    exp.DPipe: "'||' (joining text)",
    exp.Window: "window functions (... over ...)",
    exp.Placeholder: "parameters ($1, ?)",
    exp.Bracket: "indexing with [ ]",
    exp.SimilarTo: "'similar to'",
}


def _shown(node: exp.Expr) -> str:
    text = node.sql(dialect="duckdb")
    return text if len(text) <= 60 else text[:57] + "..."


def _unwrap(tree: exp.Expr) -> exp.Expr:
    while isinstance(tree, exp.Paren):
        tree = tree.this
    return tree


def _first_line(error: Exception) -> str:
    if isinstance(error, ParseError) and error.errors:  # sqlglot's wording names its own classes; say it plainly
        first = error.errors[0]
        what = str(first.get("description") or "invalid syntax")
        if what.startswith("Required keyword"):
            what = "an operand is missing"
        elif what.startswith("Invalid expression"):
            what = "unexpected token"
        return f"{what[0].lower()}{what[1:]} at column {first.get('col')}"
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text.replace("\x1b[4m", "").replace("\x1b[0m", "")


def _syntax_hint(purpose: Purpose) -> str:
    return {
        Purpose.FILTER: "Write a condition over the source's columns, e.g. not is_trial and region = 'EU'.",
        Purpose.MEASURE: "Write a column or arithmetic over columns, e.g. mrr or price * seats.",
        Purpose.FORMULA: "Write arithmetic over metric ids, e.g. (signups - churned) / signups.",
    }[purpose]
