"""The generated SQL of every conformance query, per engine, pinned in `snapshots/<case>/<query>.<engine>.sql`.

A change to the compiler shows up as a diff of these files, so the SQL is reviewed when it changes
(a redundant `(NOT is_trial) OR (NOT is_trial)` once went unseen for want of this). After a deliberate
change, regenerate them with `pytest tests/conformance --update-sql-snapshots` and review `git diff`.
The values the SQL computes are checked by `test_conformance.py`; these tests check only its text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from headway.engine import Actor, Engine
from headway.spec.workspace import Workspace

from .harness import ENGINES, CaseQuery, load_cases

SNAPSHOTS = Path(__file__).parent / "snapshots"
QUERIES = [q for case in load_cases() for q in case.queries]
UPDATE_HINT = "run `pytest tests/conformance --update-sql-snapshots` and review the diff"


def snapshot_path(q: CaseQuery, engine: str) -> Path:
    return SNAPSHOTS / q.case.name / f"{q.id}.{engine}.sql"


def _params() -> list[Any]:
    return [pytest.param(q, engine, id=f"{q.id}[{engine}]") for q in QUERIES for engine in ENGINES]


@pytest.mark.parametrize(("q", "engine"), _params())
def test_generated_sql_matches_snapshot(
    q: CaseQuery, engine: str, workspaces: Callable[[str], Workspace], request: pytest.FixtureRequest
) -> None:
    planner = Engine(workspaces(q.case.name), "duckdb")  # the Spark text needs no Spark: only the data's range
    try:
        sql = planner.sql(q.query, engine, actor=Actor.owner()) + "\n"
    finally:
        planner.close()
    path = snapshot_path(q, engine)
    if request.config.getoption("--update-sql-snapshots"):
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != sql:
            path.write_text(sql, encoding="utf-8")
        return
    assert path.exists(), f"no SQL snapshot {path.relative_to(SNAPSHOTS.parent)}: {UPDATE_HINT}"
    assert sql == path.read_text(encoding="utf-8"), f"the SQL for {q.id} on {engine} changed: {UPDATE_HINT}"


def test_every_snapshot_belongs_to_a_query(request: pytest.FixtureRequest) -> None:
    """A renamed or deleted query leaves no stale snapshot behind."""
    wanted = {snapshot_path(q, engine) for q in QUERIES for engine in ENGINES}
    stale = sorted(p for p in SNAPSHOTS.rglob("*.sql") if p not in wanted)
    if request.config.getoption("--update-sql-snapshots"):
        for path in stale:
            path.unlink()
        return
    assert not stale, f"snapshots without a query: {[str(p.relative_to(SNAPSHOTS)) for p in stale]}; {UPDATE_HINT}"
