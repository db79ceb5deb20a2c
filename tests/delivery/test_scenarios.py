"""The delivery metric library on hand-computed scenarios, on DuckDB and on Spark.

The scenario file holds the records (fed exactly as an import feeds them) and the answers,
each worked out by hand in its comments. Headway's attribution, the spec library and the
engine must all be right for a value to match.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml

from headway.delivery import Inbox, Processor
from headway.delivery.inbox import Record
from headway.engine import Actor, Engine, Query
from headway.spec import load_workspace
from headway.spec.models import Grain
from tests.delivery.helpers import make_workspace, rows_of

SCENARIO = yaml.safe_load((Path(__file__).parent / "scenarios" / "dora.yml").read_text(encoding="utf-8"))
WEEKS = ["2026-09-28", "2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26"]
ENGINES = [pytest.param("duckdb"), pytest.param("spark", marks=pytest.mark.spark)]


def load_scenario(root: Path) -> None:
    inbox = Inbox.for_workspace(root)
    records = [
        (f"scenario:{table}:{key}", Record(table, key, data))
        for table, rows in SCENARIO["records"].items()
        for key, data in rows.items()
    ]
    inbox.put_records(records)
    workspace = load_workspace(root)
    Processor(root, workspace.config.delivery, inbox).rebuild()
    inbox.close()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_workspace(tmp_path_factory.mktemp("dora") / "ws")
    load_scenario(root)
    return root


def engine_for(name: str, root: Path, request: pytest.FixtureRequest) -> Engine:
    ws = load_workspace(root)
    if name == "spark":
        return Engine(ws, "spark", spark_session=request.getfixturevalue("spark"))
    return Engine(ws, "duckdb")


def same(got: Any, want: Any) -> bool:
    if want is None or got is None:
        return got is want
    return math.isclose(float(got), float(want), rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("metric", sorted(SCENARIO["expect"]))
def test_weekly_values(workspace: Path, engine: str, metric: str, request: pytest.FixtureRequest) -> None:
    runner = engine_for(engine, workspace, request)
    query = Query(metric, Grain.WEEK, (), dt.date(2026, 9, 28), dt.date(2026, 11, 1))
    rows = rows_of(runner, query)
    assert [r["period"] for r in rows] == WEEKS
    got = [(r["value"], r["n"]) for r in rows]
    want = [tuple(pair) for pair in SCENARIO["expect"][metric]]
    assert all(same(g[0], w[0]) and (g[1] or 0) == w[1] for g, w in zip(got, want, strict=True)), (got, want)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("metric", sorted(SCENARIO["expect_by_service"]))
def test_by_service(workspace: Path, engine: str, metric: str, request: pytest.FixtureRequest) -> None:
    runner = engine_for(engine, workspace, request)
    for week, expected in SCENARIO["expect_by_service"][metric].items():
        day = dt.date.fromisoformat(week)
        rows = rows_of(runner, Query(metric, Grain.WEEK, ("service",), day, day + dt.timedelta(days=6)))
        got = {r["service"]: (r["value"], r["n"]) for r in rows}
        assert set(got) == set(expected)
        for service, (value, n) in expected.items():
            assert same(got[service][0], value) and got[service][1] == n, (service, got[service])


def read(root: Path, table: str) -> dict[str, dict[str, Any]]:
    rows = pq.read_table(root / ".headway" / "lake" / "delivery" / table / "data.parquet").to_pylist()
    key = {"changes": "change_id", "deployments": "deployment_id", "incidents": "incident_id"}[table]
    return {r[key]: r for r in rows}


def test_every_link_says_how_it_was_made(workspace: Path) -> None:
    changes, deployments, incidents = (read(workspace, t) for t in ("changes", "deployments", "incidents"))
    assert {k: (c["deployment_id"], c["attribution"]) for k, c in changes.items()} == {
        "C1": (None, "unattributed"),  # before the first deployment seen: never guessed
        "C2": ("D3", "git_range"),
        "C3": ("D5", "git_range"),  # not D3: D3 deployed the older merge m2
        "C4": ("D5", "git_range"),
        "C5": ("D6", "git_range"),
        "C6": ("D7", "git_range"),
        "C7": (None, "not_merged"),  # closed without merge
    }
    assert changes["C1"]["lead_time_hours"] is None
    # squash merge: lead time starts at the branch commit the push showed, not the merge commit
    assert changes["C2"]["first_commit_at"].isoformat() == "2026-10-05T09:00:00+00:00"
    assert (changes["C2"]["coding_hours"], changes["C2"]["pickup_hours"], changes["C2"]["review_hours"]) == (1, 2, 2)
    assert {k: (d["failed"], d["failure_how"], d["is_rework"]) for k, d in deployments.items() if d["failed"]} == {
        "D4": (True, "result", False),
        "D6": (True, "incident", False),
    }
    assert deployments["D2"]["is_production"] is False and deployments["D2"]["changes"] == 0
    assert deployments["D1"]["attribution"] == "first_deployment"
    assert deployments["D8"]["is_rollback"] is False and deployments["D8"]["changes"] == 0
    assert {k: (i["deployment_id"], i["link_how"], i["caused_by_change"]) for k, i in incidents.items()} == {
        "I1": (None, "none", False),
        "I2": ("D6", "root_cause_sha", True),
    }


def test_merge_order_without_a_commit_graph(tmp_path: Path) -> None:
    """Webhooks alone give no graph: a deployed SHA that is a known merge bounds the range by merge order."""
    root = make_workspace(tmp_path / "ws")
    records = {t: (dict(rows) if t != "commits" else {}) for t, rows in SCENARIO["records"].items()}
    inbox = Inbox.for_workspace(root)
    inbox.put_records([(f"s:{k}", Record(t, k, d)) for t, rows in records.items() for k, d in rows.items()])
    Processor(root, load_workspace(root).config.delivery, inbox).rebuild()
    changes = read(root, "changes")
    assert {k: (c["deployment_id"], c["attribution"]) for k, c in changes.items() if c["merged_at"]} == {
        "C1": (None, "unattributed"),
        "C2": ("D3", "merge_order"),
        "C3": ("D5", "merge_order"),
        "C4": ("D5", "merge_order"),
        "C5": ("D6", "merge_order"),
        "C6": ("D7", "merge_order"),
    }
    # without the push, C2's lead time starts at its opening (no first commit known)
    assert changes["C2"]["lead_time_hours"] == 26.0


def test_rollback_marks_the_deployment_it_undid(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    rows = {
        "R1": ("m1", "2026-10-05T10:00:00Z"),
        "R2": ("m2", "2026-10-06T10:00:00Z"),
        "R3": ("m1", "2026-10-06T11:00:00Z"),  # back to m1: a rollback of R2
    }
    inbox = Inbox.for_workspace(root)
    inbox.put_records(
        [
            (
                f"s:{k}",
                Record(
                    "deployments",
                    k,
                    {
                        "repo": "acme/shop",
                        "environment": "production",
                        "sha": sha,
                        "result": "success",
                        "finished_at": at,
                    },
                ),
            )
            for k, (sha, at) in rows.items()
        ]
    )
    Processor(root, load_workspace(root).config.delivery, inbox).rebuild()
    got = read(root, "deployments")
    assert {k: (d["failed"], d["failure_how"], d["is_rollback"], d["is_rework"]) for k, d in got.items()} == {
        "R1": (False, None, False, False),
        "R2": (True, "rollback", False, False),
        "R3": (False, None, True, True),
    }
    assert got["R2"]["recovery_hours"] == 1.0


# October 2026 of the scenario, by hand:
#   deployments (success, production): D1 D3 D5 D9 D6 D7 D8 = 7 -> 7 / (31 / 7) = 1.58 per week
#   lead times 3, 3, 24, 27, 56 h -> median 24; restore I1 2 h, I2 4 h -> median 3
#   recovery D4 4 h, D6 74 h -> median 39; change fail rate 2 / 8 = 0.25
#   deployment days per week starting in October: 4, 1, 0, 1 -> median 1
TIERS = {
    "2021": {
        "deployment_frequency": "between tiers",  # more than weekly, less than daily: the 2021 table has a gap
        "change_lead_time": "high",  # 1 day to 1 week
        "recovery": "high",  # < 1 day (not < 1 hour)
        "change_fail_rate": "ambiguous: high / medium / low",  # 16-30% is published for all three
    },
    "2023": {
        "deployment_frequency": "high",
        "change_lead_time": "high",
        "recovery": "medium",
        "change_fail_rate": "low",
    },
}


@pytest.mark.parametrize("edition", sorted(TIERS))
def test_dora_tiers(workspace: Path, edition: str) -> None:
    from headway.analysis.tiers import classify

    engine = Engine(load_workspace(workspace), "duckdb")
    out = classify(engine, dt.date(2026, 10, 15), Grain.MONTH, edition, actor=Actor.owner())
    (row,) = out["rows"]
    assert {k: v["tier"] for k, v in row.items()} == TIERS[edition]
    assert out["source"] and out["edition"].startswith(edition)
    expected = {"deployment_frequency": 7 * 7 / 31, "change_lead_time": 24, "change_fail_rate": 0.25}
    if edition == "2023":
        expected.update(deployment_frequency=1, recovery=39)
    else:
        expected.update(recovery=3)
    assert all(same(row[k]["value"], v) for k, v in expected.items()), row
