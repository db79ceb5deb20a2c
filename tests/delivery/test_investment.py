"""Investment balance on a hand-made case, computed through the metric library on DuckDB and Spark.

  Alice: W1 feature (team T) in progress 10-05..10-06; authored C1 (label tech-debt, acme/shop ->
         team checkout-team) open 10-06..10-07.
         10-05: W1 -> T feature 1;  10-06: W1 + C1 -> T feature 1/2, checkout tech_debt 1/2;
         10-07: C1 -> checkout tech_debt 1
  Bob:   W2 bug (team T) 10-06 -> T bug 1
October has 31 days: T feature 1.5/31, T bug 1/31, checkout-team tech_debt 1.5/31 FTE-months;
tech-debt effort share overall = 1.5 / 4.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from headway.delivery.inbox import Record
from headway.engine import Engine, Query
from headway.spec import load_workspace
from headway.spec.models import Grain
from tests.delivery.helpers import load_records, make_workspace, rows_of

RECORDS = [
    Record("work_items", "W1", {"team": "T", "type": "feature", "assignees": "alice",
                                "started_at": "2026-10-05T09:00:00Z", "done_at": "2026-10-06T17:00:00Z"}),
    Record("work_items", "W2", {"team": "T", "type": "bug", "assignees": "bob",
                                "started_at": "2026-10-06T09:00:00Z", "done_at": "2026-10-06T15:00:00Z"}),
    Record("changes", "C1", {"repo": "acme/shop", "author": "alice", "labels": "tech-debt", "state": "merged",
                             "first_commit_at": "2026-10-06T10:00:00Z", "opened_at": "2026-10-06T11:00:00Z",
                             "merged_at": "2026-10-07T12:00:00Z"}),
]  # fmt: skip


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return load_records(make_workspace(tmp_path_factory.mktemp("investment") / "ws"), RECORDS)


@pytest.mark.parametrize("engine", [pytest.param("duckdb"), pytest.param("spark", marks=pytest.mark.spark)])
def test_fte_months_by_team_and_type(workspace: Path, engine: str, request: pytest.FixtureRequest) -> None:
    ws = load_workspace(workspace)
    runner = Engine(ws, "spark", spark_session=request.getfixturevalue("spark")) if engine == "spark" else Engine(ws)
    october = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    rows = rows_of(runner, Query("investment_fte", Grain.MONTH, ("team", "type"), *october))
    got = {(r["team"], r["type"]): r["value"] for r in rows if r["value"]}
    want = {("T", "feature"): 1.5 / 31, ("T", "bug"): 1 / 31, ("checkout-team", "tech_debt"): 1.5 / 31}
    assert got.keys() == want.keys()
    assert all(math.isclose(got[k], v, rel_tol=1e-9) for k, v in want.items())
    (share,) = rows_of(runner, Query("tech_debt_effort_share", Grain.MONTH, (), *october))
    assert math.isclose(share["value"], 1.5 / 4, rel_tol=1e-9)
