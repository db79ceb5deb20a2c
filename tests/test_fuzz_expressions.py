"""Property-based fuzz of `where` and spec expressions, built from the tiny workspace's declared columns.

Hypothesis writes expressions from the columns each source declares (of every type, struct fields and
entity joins included), literals of every kind (huge, non-ASCII, quoted, dates that are not dates),
operators, functions and casts. Two properties:

- the live API (a real uvicorn) answers every such `where` with a 200 or a 4xx in the one error shape:
  never a 5xx, never a traceback (run once with anything the grammar makes, mostly refused, and once
  with well-typed conditions, about nine in ten of which reach the engine);
- a measure or filter that `validate` accepts runs on the engine: what validation lets through,
  the engine can compute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fixtures import Server, build_workspace
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headway.engine import Actor, Engine, Query
from headway.serve import create_app
from headway.spec import Severity, check_workspace
from headway.spec.models import Grain

ERROR_KEYS = {"ok", "status", "error", "hint", "code", "errors"}
# metric -> the names its source can use: own columns, struct fields, columns reached through `account`
COLUMNS = {
    "new_mrr": [
        "subscription_id", "account_id", "plan", "region", "mrr", "is_trial", "started_at", "ended_at",
        "account.segment", "account.country",
    ],
    "active_users": [
        "event_id", "account_id", "user_id", "name", "ts", "properties", "properties.feature",
        "properties.duration_s", "account.segment",
    ],
}  # fmt: skip
TYPES = ["string", "integer", "double", "boolean", "timestamp", "date", "blob"]
FUNCTIONS_1 = ["lower", "upper", "trim", "length", "abs", "round", "floor", "ceil"]
FUNCTIONS_2 = ["coalesce", "greatest", "least", "nullif"]
BINARY = ["+", "-", "*", "/", "%", "=", "<>", "<", "<=", ">", ">=", "and", "or", "like", "ilike"]
SETTINGS = settings(  # derandomized: the same examples every run, so a failure reproduces; ~50 s in all
    max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def literals() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-(2**64), 2**64).map(str),
        st.integers(-1000, 1000).map(str),
        st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: f"{f:.6g}".replace("inf", "1")),
        st.text(max_size=8).map(quoted),
        st.sampled_from(["'pro'", "'EU'", "'smb'", "'é✓'", "''", "'2026-02-01'", "'2026-13-45'", "'2026-02-01T10:00'"]),
        st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)).map(lambda d: quoted(d.isoformat())),
        st.sampled_from(["true", "false", "null"]),
    )


def expressions(columns: list[str]) -> st.SearchStrategy[str]:
    leaves = st.one_of(st.sampled_from(columns), literals())

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, st.sampled_from(BINARY), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            inner.map(lambda x: f"not {x}"),
            inner.map(lambda x: f"-{x}"),
            inner.map(lambda x: f"{x} is null"),
            st.tuples(st.sampled_from(FUNCTIONS_1), inner).map(lambda t: f"{t[0]}({t[1]})"),
            st.tuples(st.sampled_from(FUNCTIONS_2), inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
            st.tuples(inner, st.sampled_from(TYPES)).map(lambda t: f"cast({t[0]} as {t[1]})"),
            st.tuples(inner, inner, inner).map(lambda t: f"case when {t[0]} then {t[1]} else {t[2]} end"),
            st.tuples(inner, inner, inner).map(lambda t: f"{t[0]} in ({t[1]}, {t[2]})"),
            st.tuples(inner, inner, inner).map(lambda t: f"{t[0]} between {t[1]} and {t[2]}"),
        )

    return st.recursive(leaves, extend, max_leaves=6)


# the declared type of each name, so half the examples are well typed and reach the engine
TYPES_OF = {
    "subscription_id": "number", "event_id": "number", "mrr": "number", "properties.duration_s": "number",
    "account_id": "text", "plan": "text", "region": "text", "user_id": "text", "name": "text",
    "properties.feature": "text", "account.segment": "text", "account.country": "text",
    "is_trial": "bool", "started_at": "time", "ended_at": "time", "ts": "time",
}  # fmt: skip


def well_typed(columns: list[str]) -> st.SearchStrategy[str]:
    """Conditions that type-check: each operator gets operands of the type it needs."""

    def of(kind: str) -> list[str]:
        return [c for c in columns if TYPES_OF.get(c) == kind]

    numbers = st.deferred(
        lambda: st.one_of(
            st.sampled_from(of("number")),
            st.integers(-1000, 1000).map(str),
            st.tuples(numbers, st.sampled_from(["+", "-", "*", "/", "%"]), numbers).map(lambda t: f"({' '.join(t)})"),
            st.tuples(st.sampled_from(["abs", "round", "floor", "ceil"]), numbers).map(lambda t: f"{t[0]}({t[1]})"),
            texts.map(lambda x: f"length({x})"),
            st.tuples(numbers, numbers).map(lambda t: f"coalesce({t[0]}, {t[1]})"),
        )
    )
    texts = st.deferred(
        lambda: st.one_of(
            st.sampled_from(of("text")),
            st.text(max_size=6).map(quoted),
            st.tuples(st.sampled_from(["lower", "upper", "trim"]), texts).map(lambda t: f"{t[0]}({t[1]})"),
            st.tuples(conditions, texts, texts).map(lambda t: f"case when {t[0]} then {t[1]} else {t[2]} end"),
        )
    )
    times = st.sampled_from([*of("time"), *(f"cast({c} as date)" for c in of("time"))])
    dates = st.dates(dt.date(2025, 12, 1), dt.date(2026, 4, 1)).map(lambda d: quoted(d.isoformat()))
    compare = st.sampled_from(["=", "<>", "<", "<=", ">", ">="])
    conditions = st.deferred(
        lambda: st.one_of(
            st.sampled_from([*of("bool"), "true"]),
            st.tuples(numbers, compare, numbers).map(" ".join),
            st.tuples(texts, compare, texts).map(" ".join),
            st.tuples(times, compare, dates).map(" ".join),
            st.tuples(texts, st.sampled_from(["like", "ilike"]), st.sampled_from(["'%o%'", "'e_'", "'%'"])).map(
                " ".join
            ),
            st.tuples(numbers, numbers, numbers).map(lambda t: f"{t[0]} between {t[1]} and {t[2]}"),
            st.tuples(texts, texts, texts).map(lambda t: f"{t[0]} in ({t[1]}, {t[2]})"),
            st.sampled_from(columns).map(lambda c: f"{c} is not null"),
            conditions.map(lambda c: f"not ({c})"),
            st.tuples(conditions, st.sampled_from(["and", "or"]), conditions).map(lambda t: f"({' '.join(t)})"),
        )
    )
    return conditions


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_workspace(tmp_path_factory.mktemp("fuzz") / "tiny")


@pytest.fixture(scope="module")
def client(ws: Path) -> Iterator[httpx.Client]:
    with Server(create_app(ws, warm=False)) as server, httpx.Client(base_url=server.url, timeout=60) as http:
        yield http


@pytest.mark.parametrize("metric", list(COLUMNS))
@pytest.mark.parametrize("typed", [False, True], ids=["any", "well-typed"])
def test_where_never_gets_a_5xx_from_the_live_api(client: httpx.Client, metric: str, typed: bool) -> None:
    strategy = well_typed(COLUMNS[metric]) if typed else expressions(COLUMNS[metric])

    @SETTINGS
    @given(where=strategy)
    def check(where: str) -> None:
        response = client.get(f"/api/v1/metrics/{metric}/query", params={"grain": "month", "where": where})
        assert response.status_code < 500, (where, response.text)
        assert "Traceback" not in response.text
        if response.status_code != 200:
            body = response.json()
            assert set(body) == ERROR_KEYS and body["status"] == response.status_code, (where, body)
            assert body["error"].startswith("where") or body["code"] == "invalid_request", (where, body)

    check()


def _measure_spec(expr: str, purpose: str) -> str:
    body = f"measure: {{agg: count}}\n    filter: {quoted_yaml(expr)}" if purpose == "filter" else (
        f"measure: {{agg: max, expr: {quoted_yaml(expr)}}}"
    )  # fmt: skip
    return f"metrics:\n  - id: fuzzed\n    kind: health\n    source: subscriptions\n    {body}\n"


def quoted_yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.mark.parametrize("purpose", ["filter", "measure"])
def test_what_validate_accepts_the_engine_computes(ws: Path, purpose: str) -> None:
    @SETTINGS
    @given(expr=st.one_of(expressions(COLUMNS["new_mrr"][:8]), well_typed(COLUMNS["new_mrr"][:8])))
    def check(expr: str) -> None:
        (ws / "metrics" / "fuzzed.yml").write_text(_measure_spec(expr, purpose), encoding="utf-8")
        workspace, issues = check_workspace(ws)
        if workspace is None or any(i.severity is Severity.ERROR for i in issues):
            return
        engine = Engine(workspace)
        try:
            rows = engine.query(Query("fuzzed", Grain.MONTH), actor=Actor.owner()).rows  # any exception fails
        finally:
            engine.close()
        assert [str(r["period"]) for r in rows] == ["2026-01-01", "2026-02-01", "2026-03-01"]

    try:
        check()
    finally:
        (ws / "metrics" / "fuzzed.yml").unlink(missing_ok=True)
