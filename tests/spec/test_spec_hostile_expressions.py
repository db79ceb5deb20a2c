"""Hostile expression text: each one parses to an allowed tree or raises ExpressionError, nothing else.

Hypothesis is not a dependency, so the inputs are a fixed list of attacks and oddities. The
allowed tree is checked against the whitelist documented in docs/spec.md, written out again here
so that a change to the whitelist in code has to be made on purpose in both places.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlglot import exp

from headway.spec import check_workspace
from headway.spec.expressions import MAX_DEPTH, MAX_LENGTH, ExpressionError, Parsed, Purpose, parse

_CONDITIONS = {"And", "Or", "Not", "EQ", "NEQ", "GT", "GTE", "LT", "LTE", "In", "Between", "Is", "Like", "ILike"}
_ARITHMETIC = {"Add", "Sub", "Mul", "Div", "Mod", "Neg", "Paren"}
_ATOMS = {"Column", "Identifier", "Literal", "Boolean", "Null", "Tuple"}
_ROW_FUNCTIONS = {"LOWER", "UPPER", "TRIM", "LENGTH", "COALESCE", "ABS", "ROUND", "FLOOR", "CEIL", "NULLIF"}
_ROW_FUNCTIONS |= {"GREATEST", "LEAST", "CASE", "IF", "CAST", "TRY_CAST"}
_FORMULA_FUNCTIONS = {"COALESCE", "ABS", "ROUND", "NULLIF", "GREATEST", "LEAST", "FLOOR", "CEIL"}
_CASTS = {"VARCHAR", "TEXT", "BIGINT", "INT", "DOUBLE", "BOOLEAN", "TIMESTAMP", "DATE"}
_HELPERS = {"If", "DataType"}  # CASE's WHEN branches and CAST's target type

ALLOWED_NODES = {
    Purpose.FILTER: _CONDITIONS | _ARITHMETIC | _ATOMS | _HELPERS,
    Purpose.MEASURE: _CONDITIONS | _ARITHMETIC | _ATOMS | _HELPERS,
    Purpose.FORMULA: _ARITHMETIC | {"Column", "Identifier", "Literal", "Null"},
}
ALLOWED_FUNCTIONS = {
    Purpose.FILTER: _ROW_FUNCTIONS,
    Purpose.MEASURE: _ROW_FUNCTIONS,
    Purpose.FORMULA: _FORMULA_FUNCTIONS,
}

HOSTILE = [
    # injection and statements
    "'; DROP TABLE x; --",
    "a = 1; drop table x",
    "plan = 'pro' ; ",
    ";",
    ";;",
    "1; select * from read_csv('/etc/passwd')",
    "x' OR '1'='1",
    "with x as (select 1) select * from x",
    "pragma version",
    "attach 'x.db'",
    "copy x to 'y'",
    "install httpfs",
    "load httpfs",
    "set memory_limit='1GB'",
    # subqueries
    "(select 1) = 1",
    "a = (select 1)",
    "exists(select 1)",
    "a in (select 1)",
    "a = any (select 1)",
    "select",
    # functions off the whitelist
    "read_csv('x') = 1",
    "ts < now()",
    "a = getenv('HOME')",
    "a = current_setting('x')",
    "random() > 0.5",
    "a = uuid()",
    "glob('*') = a",
    "count(*) > 1",
    "sum(a) over () > 0",
    "struct_pack(a := 1)",
    "regexp_matches(a, 'x')",
    "lambda x: x",
    "x -> x + 1",
    # comments and quoting
    "1=1 /* */",
    "/*",
    "*/",
    "-- plan = 'pro'",
    "`plan` = 'pro'",
    '"plan" = 1',
    'plan = "pro"',
    "'",
    '"',
    "a = 'it''s'",
    "a = '\\''",
    "a = e'\\x41'",
    "a = x'41'",
    "$$ drop $$",
    "a = $tag$x$tag$",
    "{{}}",
    "{{ plan }} = 1",
    "{'a': 1} = a",
    "[1,2] = a",
    # placeholders and odd operators
    "plan = ?",
    "plan = $1",
    ":x = 1",
    "@x = 1",
    "#",
    "\\",
    "\\x00",
    "plan = 'a' || 'b'",
    "a -> 'x' = 1",
    "a ->> 'x' = 1",
    "a['k'] = 1",
    "a[1] = 1",
    "a ~ 'x'",
    "a similar to 'x'",
    "a glob 'x'",
    "a regexp 'x'",
    "a = 'x' collate nocase",
    "a is distinct from b",
    "a = b = c",
    # stars and dots
    "*",
    "a = *",
    "t.*",
    "COLUMNS('.*') = 1",
    "a.b.c.d = 1",
    # broken shapes
    "a = 1 and",
    "and a = 1",
    "not",
    "()",
    "(((",
    ")))",
    "a = 1)",
    "(a = 1",
    "",
    "   ",
    "\n\n\t plan = 'x' \r\n",
    # types and literals
    "cast(a as decimal(10, 2)) > 0",
    "cast(a as varchar) = '1'",
    "a::int = 1",
    "try_cast(a as int) = 1",
    "a = interval '1 day'",
    "a = date '2020-01-01'",
    "a = 1e309",
    "a = 0x10",
    "a = 1_000",
    "a = -9999999999999999999999999999",
    "true",
    "null",
    "a is null or 1",
    "if(a, true, false)",
    "case when a then b end",
    # unicode and control characters
    "\x00",
    "plan = '\x00'",
    "plan\x00 = 1",
    "plan = 'é'",
    "plän = 1",
    "名前 = 'x'",
    "plan = '🚀'",
    "\u202e plan = 1",
    "plan = '\ud800'",
    # size and depth
    "a" * (MAX_LENGTH - 1),
    "a = " + "1" * (MAX_LENGTH - 10),
    "a" * (MAX_LENGTH + 1),
    "(" * 1990 + "a = 1" + ")" * 1990,
    "(" * 30 + "a = 1" + ")" * 30,
    "not " * 200 + "a",
    "-" * 500 + "a",
    "- " * 500 + "a",
    " + ".join(["a"] * 99),
    " + ".join(["a"] * 300),
    " and ".join(["a = 1"] * 300),
    "lower(" * 300 + "a" + ")" * 300,
]


def _short(text: str) -> str:
    return repr(text[:40]) + (f"..{len(text)}" if len(text) > 40 else "")


def _check_allowed(parsed: Parsed, purpose: Purpose) -> None:
    for node in parsed.tree.walk():
        assert not isinstance(node, exp.Query | exp.Subquery | exp.Command | exp.Star), node.sql()
        if type(node).__name__ in ALLOWED_NODES[purpose]:
            continue
        if isinstance(node, exp.DataType):
            assert node.this.name in _CASTS, node.sql()
        else:
            assert isinstance(node, exp.Func) and not isinstance(node, exp.Anonymous), (
                f"{type(node).__name__}: {node.sql()}"
            )
            assert node.sql_name() in ALLOWED_FUNCTIONS[purpose], node.sql()
    assert all(isinstance(name, str) and name for name in parsed.fields)


@pytest.mark.parametrize("purpose", list(Purpose), ids=str)
@pytest.mark.parametrize("text", HOSTILE, ids=_short)
def test_hostile_text_is_refused_or_harmless(text: str, purpose: Purpose) -> None:
    try:
        parsed = parse(text, purpose)
    except ExpressionError as error:
        assert error.message
        assert "<class" not in error.message and "\x1b" not in error.message
        return
    _check_allowed(parsed, purpose)


@pytest.mark.parametrize(
    ("text", "purpose", "message"),
    [
        ("a = 1; drop table x", Purpose.FILTER, "the filter holds 2 statements; it must be one expression"),
        ("exists(select 1)", Purpose.FILTER, "subqueries are not allowed"),
        ("(select 1) = 1", Purpose.MEASURE, "subqueries are not allowed"),
        ("read_csv('x') = 1", Purpose.FILTER, "function 'read_csv' is not allowed in a filter"),
        ("ts < now()", Purpose.FILTER, "function 'now' is not allowed in a filter"),
        ("a > b", Purpose.FORMULA, "'a > b' is not allowed in a formula"),
        ("mrr + 1", Purpose.FILTER, "'mrr + 1' is not a condition"),
        ("-- plan = 'pro'", Purpose.FILTER, "the filter holds only a comment"),
        (
            "(" * 1990 + "a = 1" + ")" * 1990,
            Purpose.FILTER,
            f"the filter is nested too deeply (1990 levels of parentheses; the limit is {MAX_DEPTH})",
        ),
        (
            "a" * (MAX_LENGTH + 1),
            Purpose.MEASURE,
            f"the measure is {MAX_LENGTH + 1} characters long; the limit is 4000",
        ),
        (" + ".join(["a"] * 300), Purpose.FORMULA, "the formula is too large (over 400 parts)"),
    ],
    ids=[
        "two_statements",
        "exists",
        "scalar_subquery",
        "read_csv",
        "now",
        "comparison_in_formula",
        "not_a_condition",
        "only_a_comment",
        "deep_parentheses",
        "too_long",
        "too_many_parts",
    ],
)
def test_refusal_names_the_problem(text: str, purpose: Purpose, message: str) -> None:
    with pytest.raises(ExpressionError) as raised:
        parse(text, purpose)
    assert raised.value.message == message


WORKSPACE = {
    "headway.yml": "name: acme\n",
    "sources/app.yml": "sources:\n  - name: events\n    path: data/e.csv\n    time: ts\n"
    "    columns:\n      ts: {type: timestamp}\n      a: {type: double}\n      plan: {type: string}\n",
}


@pytest.mark.parametrize("text", HOSTILE, ids=_short)
def test_hostile_text_in_a_workspace_becomes_issues(text: str, tmp_path: Path) -> None:
    """Through YAML and the rules too: issues, never an exception."""
    metrics = (
        "metrics:\n  - id: m\n    kind: kpi\n    source: events\n"
        f"    measure: {{agg: sum, expr: {json.dumps(text)}}}\n    filter: {json.dumps(text)}\n"
        f"  - id: f\n    kind: kpi\n    formula: {json.dumps(text)}\n"
    )
    for name, content in {**WORKSPACE, "metrics/m.yml": metrics}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content, encoding="utf-8")
    _, issues = check_workspace(tmp_path)
    assert all(issue.file and issue.render() for issue in issues)
