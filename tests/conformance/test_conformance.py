"""One conformance suite on every engine: each (case, query) in `cases/*.yml`, on DuckDB and on Spark.

Expected rows come from the case file: written out by hand, or from an oracle query in plain DuckDB
SQL over the same tables (never through Headway's compiler), or both, in which case the two must
also agree with each other. See `harness.py` for the case format.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlglot
from sqlglot import exp

from headway.engine import Actor, Engine, Query
from headway.engine.results import json_row
from headway.spec.models import Grain
from headway.spec.workspace import Workspace

from .harness import (
    ENGINES,
    CaseQuery,
    as_dicts,
    load_cases,
    metric_line,
    mismatches,
    run_oracle,
    sort_key,
)

OWNER = Actor.owner()
FLAGS = {"complete", "reason", "compare_complete"}  # how to read a value: checked by tests/test_engine_v2.py


def value_columns(row: dict[str, Any]) -> dict[str, Any]:
    """The row as the case files write it: ISO dates, without the reading flags."""
    return {k: v for k, v in json_row(row).items() if k not in FLAGS}


CASES = {case.name: case for case in load_cases()}


def _params() -> list[Any]:
    params = []
    for case in CASES.values():
        for q in case.queries:
            for engine in ENGINES:
                marks = [pytest.mark.spark] if engine == "spark" else []
                if engine in q.xfail:
                    marks.append(pytest.mark.xfail(strict=True, reason=q.xfail[engine]))
                params.append(pytest.param(q, engine, id=f"{q.id}[{engine}]", marks=marks))
    return params


def _engine(workspace: Workspace, name: str, request: pytest.FixtureRequest) -> Engine:
    """A fresh engine per test: Spark temp views are per session, so each test re-points them at its case."""
    if name == "spark":
        return Engine(workspace, "spark", spark_session=request.getfixturevalue("spark"))
    return Engine(workspace, "duckdb")


def _expected(q: CaseQuery) -> list[dict[str, Any]]:
    columns = q.columns
    hand = as_dicts(columns, q.expect) if q.expect is not None else None
    if q.oracle is None:
        assert hand is not None
        return hand
    names, rows = run_oracle(q.case, q.oracle)
    assert names == columns, f"oracle columns {names}, expected {columns}"
    oracle = sorted(as_dicts(names, rows), key=sort_key(q.query.by))
    if hand is not None:
        problems = mismatches(oracle, hand)
        assert not problems, "the oracle disagrees with the hand-written rows:\n" + "\n".join(problems)
    return oracle


@pytest.mark.parametrize(("q", "engine"), _params())
def test_metric_case(
    q: CaseQuery, engine: str, workspaces: Callable[[str], Workspace], request: pytest.FixtureRequest
) -> None:
    expected = _expected(q)
    runner = _engine(workspaces(q.case.name), engine, request)
    try:
        rows = [value_columns(row) for row in runner.query(q.query, use_cache=False, actor=OWNER).rows]
    finally:
        runner.close()
    problems = mismatches(rows, expected, exact=q.exact)
    detail = "\n".join([*problems, "got:", *map(str, rows), "expected:", *map(str, expected)])
    assert not problems, f"{q.case.path.name} {q.id} on {engine}:\n{detail}"


# -- generated SQL ---------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_sql_names_metric_and_spec_line(engine: str, workspaces: Callable[[str], Workspace]) -> None:
    workspace = workspaces("ratio_formula")
    planner = Engine(workspace, "duckdb")
    try:
        sql = planner.sql(Query("ctr", Grain.DAY), engine, actor=OWNER)
    finally:
        planner.close()
    lines = sql.splitlines()
    assert lines[0] == f"-- headway: metric ctr ({metric_line(workspace.root, 'ctr')})"
    assert f"engine={engine}" in lines[1]
    for part in ("clicks", "impressions"):  # each leaf's CTE names the metric it computes, and where
        assert f"metric {part} ({metric_line(workspace.root, part)})" in sql


HOSTILE_VALUE = "x'); DROP TABLE orders; --"
HOSTILE = "status = 'x''); DROP TABLE orders; --' /* ); DROP TABLE orders; -- */ OR   status   =   'paid'"


@pytest.mark.parametrize("engine", ENGINES)
def test_hostile_where_is_a_quoted_literal(engine: str, workspaces: Callable[[str], Workspace]) -> None:
    planner = Engine(workspaces("filters"), "duckdb")
    try:
        sql = planner.sql(Query("paid_orders", Grain.DAY, where=HOSTILE), engine, actor=OWNER)
    finally:
        planner.close()
    assert HOSTILE not in sql, "the --where text must be re-generated from its parse tree, not pasted"
    assert sql.count("DROP TABLE orders") == 1, "only the string literal may hold it; the comment is dropped"
    statements = [s for s in sqlglot.parse(sql, read=engine) if s is not None]
    assert len(statements) == 1, "the --where text must not end the statement"
    literals = [lit.this for lit in statements[0].find_all(exp.Literal) if lit.is_string]
    assert HOSTILE_VALUE in literals, "the --where value should reach SQL as one quoted string literal"
    assert not list(statements[0].find_all(exp.Drop))


@pytest.mark.parametrize("engine", [pytest.param("duckdb"), pytest.param("spark", marks=pytest.mark.spark)])
def test_hostile_where_runs_as_a_condition(
    engine: str, workspaces: Callable[[str], Workspace], request: pytest.FixtureRequest
) -> None:
    runner = _engine(workspaces("filters"), engine, request)
    try:
        hostile = runner.query(Query("paid_orders", Grain.DAY, where=HOSTILE), actor=OWNER).rows
        plain = runner.query(Query("paid_orders", Grain.DAY, where="status = 'paid'"), actor=OWNER).rows
    finally:
        runner.close()
    assert hostile == plain  # the quote-laden literal matches no row; `OR status = 'paid'` does the rest
