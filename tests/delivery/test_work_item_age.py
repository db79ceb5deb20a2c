"""Work item age against values worked out by hand, on DuckDB and Spark.

Items (UTC), imported as a tracker import feeds them:
  E  t2 tech_debt  started 09-30 00:00, done 10-11 23:00
  A  t1 feature    started 10-05 10:00, done 10-08 12:00
  B  t1 bug        started 10-06 00:00, done 10-21 12:00   (the last change: days run to 10-21)
  C  t2 feature    started 10-09 12:00, done 10-19 06:00
  D  t1 feature    created 10-07, never started: not in progress, no age
Ages at the end of each ISO week (the end of its Sunday, or of 10-21 for the last, partial week):
  week 09-28, at 10-05 00:00: E 5.0                       -> median 5.0, n 1
  week 10-05, at 10-12 00:00: B 6.0, C 2.5 (E done 10-11) -> median 4.25 (interpolated), n 2;
                                                              p85 2.5 + 0.85 * 3.5 = 5.475
  week 10-12, at 10-19 00:00: B 13.0, C 9.5               -> median 11.25, n 2; p85 12.475
  week 10-19, at 10-22 00:00: nothing in progress         -> no data, n 0
  by team, week 10-05: t1 B 6.0, t2 C 2.5.
The count of items standing at each week's end equals `wip` there (the same rule, another table),
where wip answers.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from headway.delivery import Inbox, Processor
from headway.delivery.inbox import Record
from headway.engine import Engine, Query
from headway.spec import load_workspace
from headway.spec.models import Grain
from tests.delivery.helpers import make_workspace, rows_of

ITEMS = {
    "E": ("t2", "tech_debt", "2026-09-29T09:00:00Z", "2026-09-30T00:00:00Z", "2026-10-11T23:00:00Z"),
    "A": ("t1", "feature", "2026-10-01T09:00:00Z", "2026-10-05T10:00:00Z", "2026-10-08T12:00:00Z"),
    "B": ("t1", "bug", "2026-10-01T09:00:00Z", "2026-10-06T00:00:00Z", "2026-10-21T12:00:00Z"),
    "C": ("t2", "feature", "2026-10-02T09:00:00Z", "2026-10-09T12:00:00Z", "2026-10-19T06:00:00Z"),
    "D": ("t1", "feature", "2026-10-07T09:00:00Z", None, None),
}
WEEKS = ["2026-09-28", "2026-10-05", "2026-10-12", "2026-10-19"]
ENGINES = [pytest.param("duckdb"), pytest.param("spark", marks=pytest.mark.spark)]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_workspace(tmp_path_factory.mktemp("ages") / "ws")
    inbox = Inbox.for_workspace(root)
    records = []
    for key, (team, kind, created, started, done) in ITEMS.items():
        data = {"provider": "test", "team": team, "type": kind, "created_at": created, "started_at": started}
        records.append((f"test:{key}", Record("work_items", key, data | {"done_at": done})))
    inbox.put_records(records)
    Processor(root, load_workspace(root).config.delivery, inbox).rebuild()
    inbox.close()
    return root


@pytest.fixture
def machine_in_los_angeles() -> Iterator[None]:
    """The machine's zone must not move a UTC day."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/Los_Angeles"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def engine_for(name: str, root: Path, request: pytest.FixtureRequest) -> Engine:
    ws = load_workspace(root)
    if name == "spark":
        return Engine(ws, "spark", spark_session=request.getfixturevalue("spark"))
    return Engine(ws, "duckdb")


def weekly(engine: Engine, metric: str, by: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return rows_of(engine, Query(metric, Grain.WEEK, by, dt.date(2026, 9, 28), dt.date(2026, 10, 21)))


@pytest.mark.parametrize("engine", ENGINES)
def test_median_age_at_each_week_end(
    workspace: Path, engine: str, request: pytest.FixtureRequest, machine_in_los_angeles: None
) -> None:
    rows = weekly(engine_for(engine, workspace, request), "work_item_age")
    assert [r["period"] for r in rows] == WEEKS
    assert [(r["value"], r["n"] or 0) for r in rows] == [
        (pytest.approx(5.0), 1),
        (pytest.approx(4.25), 2),
        (pytest.approx(11.25), 2),
        (None, 0),  # an empty period: no data, never 0
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_p85_and_by_team(workspace: Path, engine: str, request: pytest.FixtureRequest) -> None:
    runner = engine_for(engine, workspace, request)
    p85 = {r["period"]: r["value"] for r in weekly(runner, "work_item_age_p85")}
    assert p85["2026-10-05"] == pytest.approx(5.475) and p85["2026-10-12"] == pytest.approx(12.475)
    by_team = {(r["period"], r["team"]): r["value"] for r in weekly(runner, "work_item_age", ("team",))}
    assert by_team[("2026-10-05", "t1")] == pytest.approx(6.0)
    assert by_team[("2026-10-05", "t2")] == pytest.approx(2.5)


def test_item_count_equals_wip_at_each_week_end(workspace: Path, request: pytest.FixtureRequest) -> None:
    runner = engine_for("duckdb", workspace, request)
    ages = {r["period"]: r["n"] or 0 for r in weekly(runner, "work_item_age")}
    wip = {r["period"]: r["value"] for r in weekly(runner, "wip")}
    assert [ages[w] for w in WEEKS] == [1, 2, 2, 0]
    # wip reads started_at as its time, so its data ends with the last start (10-09): compare where it answers
    answered = [w for w in WEEKS if wip[w] is not None]
    assert answered == WEEKS[:2] and [ages[w] for w in answered] == [wip[w] for w in answered]
