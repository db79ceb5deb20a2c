"""The metric tree with evidence on the demo (seed 42, scale small): analysis, CLI and API agree.

The planted effects are in the demo's README: cycle time drives CSAT two weeks later; pull
request size says nothing about NPS. Correlations are recomputed here with hand-written DuckDB
SQL and numpy over the Parquet files, never by asking Headway.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import httpx
import numpy as np
import pytest
from fixtures import Server

from headway.analysis.alignment import Filter, tree_report
from headway.analysis.tree import build_tree
from headway.demo import generate
from headway.engine import Actor, Engine, QueryError
from headway.serve import create_app
from headway.spec import load_workspace
from headway.spec.models import Sensitivity

HEADWAY = Path(sys.executable).parent / "headway"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("tree") / "acme", seed=42, scale="small").path


@pytest.fixture(scope="module")
def report(demo: Path) -> dict[str, Any]:
    engine = Engine(load_workspace(demo))
    try:
        return tree_report(engine, actor=Actor.owner())
    finally:
        engine.close()


@pytest.fixture(scope="module")
def server(demo: Path) -> Iterator[Server]:
    with Server(create_app(demo, warm=False)) as running:
        yield running


def edge(report: dict[str, Any], key: str) -> dict[str, Any]:
    return next(e for e in report["edges"] if e["id"] == key)


def full_weeks(con: duckdb.DuckDBPyConnection, values_sql: str, bounds_sql: str) -> dict[dt.date, float | None]:
    """Every Monday-week wholly inside the source's data, with the hand-computed value or None."""
    first, last = con.execute(bounds_sql).fetchone() or (None, None)
    values = dict(con.execute(values_sql).fetchall())
    week = first - dt.timedelta(days=first.weekday())
    week = week if week >= first else week + dt.timedelta(days=7)
    out = {}
    while week + dt.timedelta(days=7) <= last + dt.timedelta(days=1):
        out[week] = values.get(week)
        week += dt.timedelta(days=7)
    return out


def hand_lagged_r(x: dict[dt.date, Any], y: dict[dt.date, Any], lag: int) -> tuple[float, int]:
    weeks = sorted(x.keys() & y.keys())
    dx = np.diff(np.array([np.nan if x[w] is None else x[w] for w in weeks], dtype=float))
    dy = np.diff(np.array([np.nan if y[w] is None else y[w] for w in weeks], dtype=float))
    a, b = dx[: len(dx) - lag], dy[lag:]
    keep = ~(np.isnan(a) | np.isnan(b))
    return float(np.corrcoef(a[keep], b[keep])[0, 1]), int(keep.sum())


@pytest.fixture(scope="module")
def con(demo: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    paths = {"work_items": ".headway/lake/delivery/work_items/data.parquet", "surveys": "data/surveys.parquet"}
    for name, path in paths.items():  # the demo's work items arrive as a Jira export, in the canonical table
        connection.execute(f"create view {name} as select * from read_parquet('{demo}/{path}')")
    yield connection
    connection.close()


def test_cycle_time_to_csat_is_association_supports_at_two_weeks(
    report: dict[str, Any], con: duckdb.DuckDBPyConnection
) -> None:
    ev = edge(report, "cycle_time~csat")["evidence"]
    assert (ev["grade"], ev["verdict"], ev["lag_periods"]) == ("association", "supports", 2)
    assert ev["r"] < 0 and ev["ci"][1] < 0  # negative, as declared: faster delivery, happier customers
    cycle = full_weeks(
        con,
        "select date_trunc('week', done_at)::date, median(cycle_time_days) from work_items "
        "where done_at is not null group by 1",
        "select min(done_at)::date, max(done_at)::date from work_items",
    )
    csat = full_weeks(
        con,
        "select date_trunc('week', responded_at)::date, avg(score) from surveys where survey = 'csat' group by 1",
        "select min(responded_at)::date, max(responded_at)::date from surveys",
    )
    r, n = hand_lagged_r(cycle, csat, 2)
    assert ev["r"] == pytest.approx(r, abs=1e-9) and ev["n"] == n
    at_zero = next(c for c in ev["lags"] if c["lag"] == 0)
    assert at_zero["r"] == pytest.approx(hand_lagged_r(cycle, csat, 0)[0], abs=1e-9)


def test_pr_size_to_nps_is_no_evidence(report: dict[str, Any]) -> None:
    ev = edge(report, "pr_size~nps")["evidence"]
    assert (ev["grade"], ev["verdict"]) == ("association", "no_evidence")
    assert ev["ci"][0] < 0 < ev["ci"][1]
    assert [c["lag"] for c in ev["lags"]] == [0, 1, 2, 3, 4, 5, 6, 7, 8]  # declared 4w: searched 0 to 8 weeks


def test_structure_and_misalignments(demo: Path, report: dict[str, Any]) -> None:
    tree = build_tree(load_workspace(demo))
    assert tree.kpis[0] == "paid_mrr" and report["roots"][0] == "paid_mrr"
    assert {(k.driver, k.target) for k in tree.links} >= {("cycle_time", "csat"), ("pr_size", "nps")}
    depth = {n["id"]: n["depth"] for n in report["nodes"]}  # links from the nearest KPI; csat is one
    assert (depth["paid_mrr"], depth["logo_churn_rate"], depth["csat"], depth["cycle_time"]) == (0, 1, 0, 1)
    layer = {n["id"]: n["layer"] for n in report["nodes"]}  # longest chain down to paid_mrr: the page's columns
    assert (layer["paid_mrr"], layer["logo_churn_rate"], layer["csat"], layer["cycle_time"]) == (0, 1, 2, 3)
    found = {(m["kind"], m["metric"]) for m in report["misalignments"]}
    assert ("no_path_to_kpi", "throughput") in found  # delivery metric, declared to move nothing
    assert ("no_path_to_kpi", "failed_deployments") in found  # moves incidents, a health metric, not a KPI
    assert ("no_path_to_kpi", "nps_promoters") not in found  # an input that is a part of the NPS formula
    assert ("kpi_without_driver", "arpa") in found
    assert not any(kind == "no_path_to_kpi" and m == "cycle_time" for kind, m in found)


def test_a_dimension_filter_grades_only_links_that_share_it(demo: Path) -> None:
    engine = Engine(load_workspace(demo))
    try:
        owner = Actor.owner()
        sliced = tree_report(engine, Filter("team", "platform"), actor=owner)
        hostile = tree_report(engine, Filter("team", "plätform'; drop table x --"), actor=owner)
        with pytest.raises(QueryError, match="share the dimension 'tema'") as refused:
            tree_report(engine, Filter("tema", "platform"), actor=owner)
    finally:
        engine.close()
    assert refused.value.hint == "Did you mean 'team'?"
    assert sliced["filter"] == {"dimension": "team", "value": "platform"}
    graded = {e["id"]: e["evidence"] for e in sliced["edges"]}
    assert graded["cycle_time~csat"]["reason"] == "dimension_not_shared"  # csat has no team
    assert graded["failed_deployments~incidents"]["grade"] == "association"
    assert hostile["edges"] and edge(hostile, "failed_deployments~incidents")["evidence"]["reason"] == "no_data"


def run(*args: str | Path, tz: str = "UTC", check: int = 0) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TZ": tz, "COLUMNS": "200", "NO_COLOR": "1"}
    done = subprocess.run([HEADWAY, *map(str, args)], capture_output=True, text=True, env=env, timeout=180)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == check, done.stderr
    return done


def test_cli_json_equals_the_api_and_ignores_the_machine_time_zone(demo: Path, server: Server) -> None:
    api = httpx.get(f"{server.url}/api/v1/tree", timeout=120).json()
    cli = json.loads(run("tree", "--format", "json", "--as", "viewer", "-w", demo, tz="America/Los_Angeles").stdout)
    assert cli == api
    text = run("tree", "-w", demo).stdout
    assert "cycle_time (negative, lag 2w)  supports r -" in text
    assert "misaligned KPI arpa has no metric declared to move it" in text
    assert "delivery/input metric(s) move no KPI: bug_items, bug_share, bugs_reported, change_fail_rate, " in text


def test_cli_refuses_bad_filters_with_documented_exit_codes(demo: Path) -> None:
    assert "Did you mean 'team'?" in run("tree", "--filter", "tema=platform", "-w", demo, check=1).stderr
    assert "not DIM=VALUE" in run("tree", "--filter", "team", "-w", demo, check=2).stderr


def test_api_filter_and_error_shapes(server: Server) -> None:
    sliced = httpx.get(f"{server.url}/api/v1/tree", params={"dimension": "plan", "value": "pro"}, timeout=120)
    assert sliced.status_code == 200 and sliced.json()["filter"] == {"dimension": "plan", "value": "pro"}
    cases = {
        "?dimension=plan": (400, "bad_query"),
        "?dimension=pla&value=pro": (400, "unknown_dimension"),
        "?dimension=plan;drop&value=pro": (422, "invalid_request"),
        f"?dimension=plan&value={'x' * 201}": (422, "invalid_request"),
    }
    for query, (status, code) in cases.items():
        body = httpx.get(f"{server.url}/api/v1/tree{query}", timeout=60).json()
        assert (body["ok"], body["status"], body["code"]) == (False, status, code), query
        assert set(body) == {"ok", "status", "error", "hint", "code", "errors"}


def test_a_viewer_sees_no_evidence_computed_from_restricted_metrics(demo: Path, report: dict[str, Any]) -> None:
    ws = load_workspace(demo)
    secret = ws.metrics["cycle_time"].model_copy(update={"sensitivity": Sensitivity.RESTRICTED})
    engine = Engine(dataclasses.replace(ws, metrics={**ws.metrics, "cycle_time": secret}))
    try:
        seen = tree_report(engine, actor=Actor.viewer())
        owner = tree_report(engine, actor=Actor.owner())
    finally:
        engine.close()
    hidden = edge(seen, "cycle_time~csat")["evidence"]
    assert (hidden["grade"], hidden["reason"], hidden["r"], hidden["lags"]) == ("hypothesis", "restricted", None, [])
    assert edge(owner, "cycle_time~csat")["evidence"] == edge(report, "cycle_time~csat")["evidence"]
    assert edge(seen, "pr_size~nps")["evidence"] == edge(report, "pr_size~nps")["evidence"]
    assert {n["id"]: n["readable"] for n in seen["nodes"]}["cycle_time"] is False
