"""Infer the type of every part of an expression and refuse what no engine can run.

`mrr > 'abc'`, `not plan`, `merged_at - opened_at` or `upper(length(plan))` would otherwise
fail deep in the engine, and be reported as a data error. Here each becomes a spec or query
error that names the operand, its type and the type expected, before any engine runs.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from headway.spec.expressions import ZERO_GUARD, field_name
from headway.spec.models import ColumnType
from headway.spec.time_types import TIME_RESULT, shifted, time_arguments, time_name, time_result
from headway.spec.typewords import (
    COMPARE_HINT,
    DECLARE_HINT,
    INT64_MAX,
    NUMERIC,
    TEMPORAL,
    TIME_MATH_HINT,
    Problem,
    Typed,
    a_type,
    article,
    cast_problem,
    family,
    is_time,
    is_value,
    is_zero,
    mismatch,
    show,
)

__all__ = ["NUMERIC", "TEMPORAL", "infer_type", "type_errors"]

TypeOf = Callable[[str], ColumnType | None]

_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
_ARITH = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)
_SYMBOLS = {exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/", exp.Mod: "%", exp.Neg: "-"}
_CAST_TYPES = {
    exp.DataType.Type.VARCHAR: ColumnType.STRING,
    exp.DataType.Type.TEXT: ColumnType.STRING,
    exp.DataType.Type.BIGINT: ColumnType.INTEGER,
    exp.DataType.Type.INT: ColumnType.INTEGER,
    exp.DataType.Type.DOUBLE: ColumnType.DOUBLE,
    exp.DataType.Type.BOOLEAN: ColumnType.BOOLEAN,
    exp.DataType.Type.TIMESTAMP: ColumnType.TIMESTAMP,
    exp.DataType.Type.TIMESTAMPNTZ: ColumnType.TIMESTAMP,
    exp.DataType.Type.DATE: ColumnType.DATE,
}


def type_errors(tree: exp.Expr, type_of: TypeOf, *, condition: bool = True) -> list[Problem]:
    """(message, hint) for every type mistake; with `condition`, the whole must be true or false."""
    checker = _Checker(type_of)
    try:
        typed = checker.infer(tree)
    except RecursionError:
        return [("the expression is nested too deeply", "Write it with fewer levels of nesting.")]
    if condition and typed.kind not in (None, ColumnType.BOOLEAN) and not checker.problems:
        checker.problems.append(
            (
                f"'{show(tree)}' is {a_type(typed.kind)}, not a condition",
                "A condition is true or false for each row, e.g. plan = 'pro', mrr > 0 or is_trial.",
            )
        )
    return list(dict.fromkeys(checker.problems))


def infer_type(tree: exp.Expr, type_of: TypeOf) -> ColumnType | None:
    """The type an expression yields, when it can be told from its shape; None when it cannot."""
    try:
        return _Checker(type_of).infer(tree).kind
    except RecursionError:
        return None


class _Checker:
    def __init__(self, type_of: TypeOf):
        self.type_of = type_of
        self.problems: list[Problem] = []
        self._seen: dict[int, Typed] = {}  # each node is typed once: rules ask again, the tree is not re-walked

    def infer(self, node: exp.Expr) -> Typed:
        while isinstance(node, exp.Paren):
            node = node.this
        if id(node) not in self._seen:
            method = next((m for kinds, m in self._DISPATCH if isinstance(node, kinds)), None)
            self._seen[id(node)] = method(self, node) if method is not None else Typed(None)
        return self._seen[id(node)]

    # -- atoms ---------------------------------------------------------------

    def _column(self, node: exp.Column) -> Typed:
        return Typed(self.type_of(field_name(node)))

    def _literal(self, node: exp.Literal) -> Typed:
        if node.is_string:
            return Typed(ColumnType.STRING, node.name)
        text = node.name
        if text.isdigit():
            if int(text) > INT64_MAX:
                self.problems.append(
                    (
                        f"the number {text} is beyond the 64-bit integer range",
                        f"Integers must lie within ±{INT64_MAX}; "
                        f"write a decimal (e.g. {text[0]}.{text[1:3]}e{len(text) - 1}) for larger magnitudes.",
                    )
                )
            return Typed(ColumnType.INTEGER)
        return Typed(ColumnType.DOUBLE)

    def _boolean(self, _: exp.Expr) -> Typed:
        return Typed(ColumnType.BOOLEAN)

    def _null(self, _: exp.Expr) -> Typed:
        return Typed(None)

    # -- operators -----------------------------------------------------------

    def _need(self, node: exp.Expr, typed: Typed, wanted: set[ColumnType], role: str) -> bool:
        """Record a problem when `typed` is known and not in `wanted`; True when it fits."""
        if typed.kind is None or typed.kind in wanted:
            return True
        expected = " or ".join(sorted({family(k) or "" for k in wanted}))
        hint = TIME_MATH_HINT if typed.kind in TEMPORAL and expected == "number" else ""
        if typed.kind is ColumnType.STRUCT:
            hint = f"'{show(node)}' is a struct: use one of its fields, e.g. {show(node)}.<field>."
        elif not hint and expected == "boolean":
            hint = f"Write a comparison, e.g. {show(node)} = 'x', or {show(node)} is not null."
        elif not hint and typed.kind is ColumnType.STRING and expected == "number":
            hint = "Text is not a number. " + DECLARE_HINT
        self.problems.append((f"{role} needs {article(expected)}, but '{show(node)}' is {a_type(typed.kind)}", hint))
        return False

    def _negate(self, node: exp.Neg) -> Typed:
        inner = self.infer(node.this)
        self._need(node.this, inner, NUMERIC, "'-'")
        return Typed(inner.kind if inner.kind in NUMERIC else None)

    def _arith(self, node: exp.Binary) -> Typed:
        if shifted(node) is not None:  # ts + interval 7 day
            return self._time_function(node)
        symbol = f"'{_SYMBOLS[type(node)]}'"
        divisor = node.expression
        if isinstance(divisor, exp.Nullif) and divisor.meta.get(ZERO_GUARD):  # added by parse, not written
            divisor = divisor.this
        left, right = self.infer(node.this), self.infer(divisor)
        fits = self._need(node.this, left, NUMERIC, symbol) and self._need(divisor, right, NUMERIC, symbol)
        while isinstance(divisor, exp.Paren):
            divisor = divisor.this
        if isinstance(node, exp.Div | exp.Mod) and isinstance(divisor, exp.Literal) and is_zero(divisor):
            self.problems.append(
                (
                    f"'{show(node.this)} {_SYMBOLS[type(node)]} {show(divisor)}' divides by the number 0",
                    "Division by zero has no value; remove it or divide by a column.",
                )
            )
        if not fits or left.kind is None or right.kind is None:
            return Typed(None if not fits else ColumnType.DOUBLE)
        both_int = left.kind is ColumnType.INTEGER and right.kind is ColumnType.INTEGER
        return Typed(ColumnType.INTEGER if both_int and not isinstance(node, exp.Div) else ColumnType.DOUBLE)

    def _logic(self, node: exp.Expr) -> Typed:
        word = {exp.And: "'and'", exp.Or: "'or'", exp.Not: "'not'"}[type(node)]  # type: ignore[index]
        for part in (node.this, node.args.get("expression")):
            if part is not None:
                self._need(part, self.infer(part), {ColumnType.BOOLEAN}, word)
        return Typed(ColumnType.BOOLEAN)

    def _compare(self, node: exp.Binary) -> Typed:
        self._comparable(node.this, node.expression)
        return Typed(ColumnType.BOOLEAN)

    def _in(self, node: exp.In) -> Typed:
        self._all_comparable([node.this, *node.expressions])
        return Typed(ColumnType.BOOLEAN)

    def _between(self, node: exp.Between) -> Typed:
        bounds = [b for b in (node.args.get("low"), node.args.get("high")) if b is not None]
        self._all_comparable([node.this, *bounds])
        return Typed(ColumnType.BOOLEAN)

    def _all_comparable(self, parts: list[exp.Expr]) -> Typed:
        """Engines unify every part to one type (IN lists, BETWEEN, COALESCE, CASE): each must fit the first
        part whose type is known, and NULL fits anything."""
        anchor = next((p for p in parts if self.infer(p).kind is not None), None)
        if anchor is None:
            return Typed(None)
        before = len(self.problems)
        for other in parts:
            if other is not anchor and len(self.problems) == before:
                self._comparable(anchor, other)
        return Typed(self.infer(anchor).kind)

    def _is(self, node: exp.Is) -> Typed:
        self.infer(node.this)
        return Typed(ColumnType.BOOLEAN)

    def _like(self, node: exp.Binary) -> Typed:
        word = "'like'" if isinstance(node, exp.Like) else "'ilike'"
        for part in (node.this, node.expression):
            self._need(part, self.infer(part), {ColumnType.STRING}, word)
        return Typed(ColumnType.BOOLEAN)

    def _comparable(self, left: exp.Expr, right: exp.Expr) -> Typed:
        """Both sides of a comparison (or branches of coalesce, case): one family, or a problem."""
        a, b = self.infer(left), self.infer(right)
        for column, value, typed in ((left, right, a), (right, left, b)):
            if isinstance(column, exp.Column) and is_value(value) and typed.kind is not None:
                problem = mismatch(field_name(column), typed.kind, value)
                if problem is not None:
                    self.problems.append(problem)
                return a if a.kind is not None else b
        if a.kind is None or b.kind is None:
            return a if a.kind is not None else b
        if ColumnType.STRUCT in (a.kind, b.kind):
            struct = left if a.kind is ColumnType.STRUCT else right
            self.problems.append(
                (
                    f"'{show(struct)}' is a struct and cannot be compared",
                    f"Use one of its fields, e.g. {show(struct)}.<field>.",
                )
            )
            return Typed(None)
        if family(a.kind) == family(b.kind):
            return a
        for time, text in ((a, b), (b, a)):
            if time.kind in TEMPORAL and text.literal is not None and is_time(text.literal):
                return time
        self.problems.append(
            (f"compares {a_type(a.kind)} '{show(left)}' with {a_type(b.kind)} '{show(right)}'", COMPARE_HINT)
        )
        return Typed(None)

    # -- functions -----------------------------------------------------------

    def _text_function(self, node: exp.Func) -> Typed:
        name = node.sql_name().lower()
        self._need(node.this, self.infer(node.this), {ColumnType.STRING}, f"{name}()")
        return Typed(ColumnType.INTEGER if isinstance(node, exp.Length) else ColumnType.STRING)

    def _number_function(self, node: exp.Func) -> Typed:
        name = node.sql_name().lower()
        inner = self.infer(node.this)
        for extra in node.args.get("decimals"), node.args.get("expression"):
            if isinstance(extra, exp.Expr):
                self._need(extra, self.infer(extra), NUMERIC, f"{name}()")
        if not self._need(node.this, inner, NUMERIC, f"{name}()"):
            return Typed(None)
        return Typed(inner.kind if isinstance(node, exp.Abs) else ColumnType.DOUBLE)

    def _time_function(self, node: exp.Expr) -> Typed:
        """date_diff, epoch, date_trunc, extract, date and interval arithmetic: times in, their result out."""
        for argument in time_arguments(node):
            typed = self.infer(argument)
            if isinstance(node, exp.TimeToUnix) and typed.kind is ColumnType.DATE:
                self.problems.append(
                    (
                        f"epoch() needs a timestamp, but '{show(argument)}' is a date",
                        f"Write epoch(cast({show(argument)} as timestamp)) for the seconds at its midnight (UTC).",
                    )
                )
                continue
            self._need(argument, typed, TEMPORAL, time_name(node))
        return Typed(time_result(node) if isinstance(node, TIME_RESULT) else ColumnType.TIMESTAMP)

    def _same_type(self, node: exp.Func) -> Typed:
        args = [node.this, node.expression] if isinstance(node, exp.Nullif) else [node.this, *node.expressions]
        return self._all_comparable(args)

    def _cast(self, node: exp.Cast) -> Typed:
        target = _CAST_TYPES.get(node.to.this)
        inner = self.infer(node.this)
        to_text = target is ColumnType.STRING and inner.kind is not ColumnType.STRUCT
        if target is None or inner.kind is None or to_text:
            return Typed(target)
        problem = cast_problem(node, inner, target)
        if problem is not None:
            self.problems.append(problem)
        return Typed(target)

    def _case(self, node: exp.Case) -> Typed:
        subject = node.this
        branches: list[exp.Expr] = []
        for when in node.args.get("ifs") or []:
            if subject is not None:
                self._comparable(subject, when.this)
            else:
                self._need(when.this, self.infer(when.this), {ColumnType.BOOLEAN}, "'when'")
            branches.append(when.args["true"])
        if node.args.get("default") is not None:
            branches.append(node.args["default"])
        return self._branches(branches)

    def _if(self, node: exp.If) -> Typed:
        self._need(node.this, self.infer(node.this), {ColumnType.BOOLEAN}, "'if'")
        return self._branches([b for b in (node.args.get("true"), node.args.get("false")) if b is not None])

    def _branches(self, branches: list[exp.Expr]) -> Typed:
        return self._all_comparable(branches)

    _DISPATCH: tuple[tuple[type | tuple[type, ...], Callable[..., Typed]], ...] = (
        (exp.Column, _column),
        (TIME_RESULT, _time_function),
        (exp.Literal, _literal),
        (exp.Boolean, _boolean),
        (exp.Null, _null),
        (exp.Neg, _negate),
        (_ARITH, _arith),
        ((exp.And, exp.Or, exp.Not), _logic),
        (_COMPARISONS, _compare),
        (exp.In, _in),
        (exp.Between, _between),
        (exp.Is, _is),
        ((exp.Like, exp.ILike), _like),
        ((exp.Lower, exp.Upper, exp.Trim, exp.Length), _text_function),
        ((exp.Abs, exp.Round, exp.Floor, exp.Ceil), _number_function),
        ((exp.Coalesce, exp.Greatest, exp.Least, exp.Nullif), _same_type),
        (exp.Cast, _cast),
        (exp.Case, _case),
        (exp.If, _if),
    )
