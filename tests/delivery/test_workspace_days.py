"""Days are the workspace's: deployment days, work-item age and effort in a Los Angeles workspace.

October 2026 in Los Angeles is PDT (UTC-7). Worked by hand:

Deployment days (successful production deployments):
  a 10-11 20:00Z = Sun 10-11 13:00 PDT, b 10-12 03:00Z = Sun 10-11 20:00 PDT, c 10-12 18:00Z = Mon 10-12.
  LA weeks: 10-05 holds a and b, one Sunday -> 1 day (2 deployments); 10-12 holds c -> 1 day.
  (UTC calendar dates would make a and b two days in the LA week of 10-05.)

Work-item age, measured at the end of each LA week (its Sunday's midnight in LA, 07:00Z Monday):
  X started 10-04 12:00Z, done 10-12 05:00Z (Sun 22:00 PDT); Y started 10-12 03:00Z (Sun 20:00 PDT),
  done 10-20 00:00Z; Z started 10-12 09:00Z (Mon 02:00 PDT), never done.
  week 09-28, at 10-05 07:00Z: X 19 h                       -> 19/24 d, n 1
  week 10-05, at 10-12 07:00Z: X done; Y 4 h; Z not started -> 4/24 d, n 1
  week 10-12, at 10-19 07:00Z: Y 7 d 4 h, Z 6 d 22 h       -> median (7 + 4/24 + 6 + 22/24) / 2, n 2

Effort: alice on W1 (feature) from 10-01 03:00Z to 05:00Z = Wed 09-30 evening in LA: one person-day
in September -> 1/30 FTE-month there, none in October; bob on W2 (bug) on 10-15 -> 1/31 in October.
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

LA = "America/Los_Angeles"
ENGINES = [pytest.param("duckdb"), pytest.param("spark", marks=pytest.mark.spark)]
DEPLOYMENTS = {"a": "2026-10-11T20:00:00Z", "b": "2026-10-12T03:00:00Z", "c": "2026-10-12T18:00:00Z"}
ITEMS = {
    "X": ("2026-10-04T12:00:00Z", "2026-10-12T05:00:00Z"),
    "Y": ("2026-10-12T03:00:00Z", "2026-10-20T00:00:00Z"),
    "Z": ("2026-10-12T09:00:00Z", None),
}
EFFORT = [
    Record("work_items", "W1", {"team": "T", "type": "feature", "assignees": "alice",
                                "started_at": "2026-10-01T03:00:00Z", "done_at": "2026-10-01T05:00:00Z"}),
    Record("work_items", "W2", {"team": "T", "type": "bug", "assignees": "bob",
                                "started_at": "2026-10-15T18:00:00Z", "done_at": "2026-10-15T20:00:00Z"}),
]  # fmt: skip


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_workspace(tmp_path_factory.mktemp("la-days") / "ws", LA)
    deployments = [
        Record("deployments", k, {"repo": "acme/shop", "environment": "production", "sha": k, "result": "success",
                                  "finished_at": at})
        for k, at in DEPLOYMENTS.items()
    ]  # fmt: skip
    items = [
        Record("work_items", k, {"team": "t1", "type": "feature", "created_at": "2026-10-01T09:00:00Z",
                                 "started_at": start, "done_at": done})
        for k, (start, done) in ITEMS.items()
    ]  # fmt: skip
    return load_records(root, deployments + items)


def engine_for(name: str, root: Path, request: pytest.FixtureRequest) -> Engine:
    ws = load_workspace(root)
    if name == "spark":
        return Engine(ws, "spark", spark_session=request.getfixturevalue("spark"))
    return Engine(ws, "duckdb")


def weekly(engine: Engine, metric: str, start: dt.date, end: dt.date) -> list[tuple[str, object, int]]:
    rows = rows_of(engine, Query(metric, Grain.WEEK, (), start, end))
    return [(r["period"], r["value"], r["n"] or 0) for r in rows]


@pytest.mark.parametrize("engine", ENGINES)
def test_deployment_days_are_days_on_the_workspace_clock(
    workspace: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    runner = engine_for(engine, workspace, request)
    weeks = (dt.date(2026, 10, 5), dt.date(2026, 10, 18))
    assert weekly(runner, "deployment_frequency", *weeks) == [("2026-10-05", 2, 2), ("2026-10-12", 1, 1)]
    assert weekly(runner, "deployment_days", *weeks) == [("2026-10-05", 1, 1), ("2026-10-12", 1, 1)]


@pytest.mark.parametrize("engine", ENGINES)
def test_work_item_age_is_taken_at_the_end_of_the_workspace_week(
    workspace: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    runner = engine_for(engine, workspace, request)
    got = weekly(runner, "work_item_age", dt.date(2026, 9, 28), dt.date(2026, 10, 18))
    want = [("2026-09-28", 19 / 24, 1), ("2026-10-05", 4 / 24, 1), ("2026-10-12", (7 + 4 / 24 + 6 + 22 / 24) / 2, 2)]
    assert [(p, n) for p, _, n in got] == [(p, n) for p, _, n in want]
    assert all(math.isclose(float(g), w, rel_tol=1e-9) for (_, g, _), (_, w, _) in zip(got, want, strict=True)), got


def test_effort_days_and_months_are_the_workspace_calendar(tmp_path: Path) -> None:
    root = load_records(make_workspace(tmp_path / "ws", LA), EFFORT)
    rows = rows_of(Engine(load_workspace(root)), Query("investment_fte", Grain.MONTH, ("type",),
                                                        dt.date(2026, 9, 1), dt.date(2026, 10, 31)))  # fmt: skip
    got = {(r["period"], r["type"]): r["value"] for r in rows if r["value"]}
    assert got.keys() == {("2026-09-01", "feature"), ("2026-10-01", "bug")}
    assert math.isclose(got[("2026-09-01", "feature")], 1 / 30, rel_tol=1e-9)
    assert math.isclose(got[("2026-10-01", "bug")], 1 / 31, rel_tol=1e-9)
