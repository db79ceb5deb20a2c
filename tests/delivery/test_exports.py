"""Tracker and incident CSV exports and REST JSON dumps, through `headway ingest`, then the metric library.

Linear export below, worked by hand (cycle "Cycle 1" runs 2026-10-05 to 2026-10-18 23:59:59 UTC):
  ENG-1 feature 3 pts, created before the cycle, done 10-07 (due 10-10: on time)
  ENG-2 bug (production) 2 pts, created before, done 10-20 (after the cycle; due 10-15: late)
  ENG-3 tech debt 5 pts, created 10-08: added mid-cycle, done 10-09
  ENG-4 feature 1 pt, created before, still in progress
  committed = 3 + 2 + 1 = 6; completed within the cycle = 3 (ENG-1) -> say/do 0.5; added 5.
  throughput week 10-05: ENG-1, ENG-3 = 2 (tech-debt share 1/2); week 10-12: 0; week 10-19: ENG-2 = 1.
  cycle time week 10-05: ENG-1 2 days, ENG-3 1 day -> median 1.5.
  on-time delivery in October: 1 of 2 items with a due date.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from headway.engine import Engine, Query
from headway.spec import load_workspace
from headway.spec.models import Grain
from tests.delivery.helpers import CORPUS, make_workspace, rows_of

HEADWAY = Path(sys.executable).parent / "headway"
CYCLE = ["Cycle 1", "2026-10-05T00:00:00Z", "2026-10-18T23:59:59Z"]
LINEAR_ROWS = [
    [
        "ID",
        "Team",
        "Title",
        "Status",
        "Estimate",
        "Labels",
        "Created",
        "Started",
        "Completed",
        "Due Date",
        "Cycle Name",
        "Cycle Start",
        "Cycle End",
    ],
    [
        "ENG-1",
        "Checkout",
        "Add cart",
        "Done",
        "3",
        "Feature",
        "2026-10-01T09:00:00Z",
        "2026-10-05T09:00:00Z",
        "2026-10-07T09:00:00Z",
        "2026-10-10",
        *CYCLE,
    ],
    [
        "ENG-2",
        "Checkout",
        "Fix total",
        "Done",
        "2",
        "Bug, production",
        "2026-10-02T09:00:00Z",
        "2026-10-06T09:00:00Z",
        "2026-10-20T09:00:00Z",
        "2026-10-15",
        *CYCLE,
    ],
    [
        "ENG-3",
        "Checkout",
        "Refactor db",
        "Done",
        "5",
        "Tech debt",
        "2026-10-08T09:00:00Z",
        "2026-10-08T10:00:00Z",
        "2026-10-09T10:00:00Z",
        "",
        *CYCLE,
    ],
    [
        "ENG-4",
        "Checkout",
        "Ünïcode ✓ title",
        "In Progress",
        "1",
        "Feature",
        "2026-10-03T09:00:00Z",
        "2026-10-05T12:00:00Z",
        "",
        "",
        *CYCLE,
    ],
]
PAGERDUTY = """\
Incident Number,Title,Service Name,Urgency,Created On,Resolved On
101,Checkout down,shop,high,2026-10-08 09:00:00 +0200,2026-10-08 09:30:00 +0200
102,Search slow,search,low,2026-10-09T10:00:00Z,
"""


def ingest(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HEADWAY), "ingest", *args, "-w", str(ws)], capture_output=True, text=True, timeout=120, env=os.environ
    )


def value(ws: Path, metric: str, grain: Grain, start: str, end: str) -> list[tuple[object, object]]:
    query = Query(metric, grain, (), dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    rows = rows_of(Engine(load_workspace(ws), "duckdb"), query)
    return [(r["value"], r["n"]) for r in rows]


@pytest.fixture
def linear_ws(tmp_path: Path) -> Path:
    ws = make_workspace(tmp_path / "ws")
    export = tmp_path / "linear.csv"
    with export.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(LINEAR_ROWS)
    done = ingest(ws, "linear", str(export))
    assert done.returncode == 0, done.stderr
    return ws


def test_linear_export_feeds_flow_metrics(linear_ws: Path) -> None:
    ws = linear_ws
    # n: the three committed items (ENG-1, ENG-2, ENG-4), the rows behind the denominator
    assert value(ws, "say_do_ratio", Grain.MONTH, "2026-10-01", "2026-10-31") == [(0.5, 3)]
    assert value(ws, "throughput", Grain.WEEK, "2026-10-05", "2026-10-25") == [(2, 2), (0, 0), (1, 1)]
    assert value(ws, "tech_debt_share", Grain.WEEK, "2026-10-05", "2026-10-11") == [(0.5, 2)]
    assert value(ws, "work_item_cycle_time", Grain.WEEK, "2026-10-05", "2026-10-11") == [(1.5, 2)]
    assert value(ws, "on_time_delivery", Grain.MONTH, "2026-10-01", "2026-10-31") == [(0.5, 2)]
    assert value(ws, "defect_escape_rate", Grain.MONTH, "2026-10-01", "2026-10-31") == [(1.0, 1)]
    (sprint,) = pq.read_table(ws / ".headway/lake/delivery/sprints/data.parquet").to_pylist()
    assert (sprint["committed_points"], sprint["completed_committed_points"], sprint["added_points"]) == (6, 3, 5)
    titles = {
        r["item_id"]: r["title"]
        for r in pq.read_table(ws / ".headway/lake/delivery/work_items/data.parquet").to_pylist()
    }
    assert titles["linear:ENG-4"] == "Ünïcode ✓ title"


def test_import_twice_is_idempotent(linear_ws: Path, tmp_path: Path) -> None:
    export = tmp_path / "linear.csv"
    before = pq.read_table(linear_ws / ".headway/lake/delivery/work_items/data.parquet").to_pylist()
    assert ingest(linear_ws, "linear", str(export)).returncode == 0
    assert pq.read_table(linear_ws / ".headway/lake/delivery/work_items/data.parquet").to_pylist() == before


def test_pagerduty_incidents(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    export = tmp_path / "incidents.csv"
    export.write_text(PAGERDUTY, encoding="utf-8")
    assert ingest(ws, "incidents", str(export)).returncode == 0
    got = {r["incident_id"]: r for r in pq.read_table(ws / ".headway/lake/delivery/incidents/data.parquet").to_pylist()}
    # "+0200" offsets normalized: 07:00 UTC to 07:30 UTC
    assert got["export:101"]["opened_at"].isoformat() == "2026-10-08T07:00:00+00:00"
    assert got["export:101"]["hours_to_resolve"] == 0.5
    assert (got["export:101"]["service"], got["export:101"]["team"]) == ("shop", "checkout-team")
    assert got["export:102"]["resolved_at"] is None and got["export:102"]["link_how"] == "none"


def test_github_rest_dump(tmp_path: Path) -> None:
    """A REST `/pulls` list holds the same PR objects as webhooks; reuse the merged corpus PR."""
    ws = make_workspace(tmp_path / "ws")
    body = json.loads((CORPUS / "github" / "pull_request.closed.merged.delivery.json").read_text(encoding="utf-8"))
    import base64

    pr = json.loads(base64.b64decode(body["body_raw_base64"]))["pull_request"]
    dump = tmp_path / "pulls.json"
    dump.write_text(json.dumps([pr]), encoding="utf-8")
    assert ingest(ws, "github-prs", str(dump), "--repo", "derekg1729/test-repo").returncode == 0
    (row,) = pq.read_table(ws / ".headway/lake/delivery/changes/data.parquet").to_pylist()
    assert row["change_id"] == "github:derekg1729/test-repo#315" and row["state"] == "merged"


@pytest.mark.parametrize(
    ("command", "content", "message"),
    [
        ("linear", "Title,Status\nx,Done\n", "no issue key"),
        ("incidents", "Title\nx\n", "needs an id and a created time"),
        ("github-prs", "{not json", "is not JSON"),
    ],
    ids=["linear-no-id", "incident-no-time", "prs-not-json"],
)
def test_bad_exports_are_refused_clearly(tmp_path: Path, command: str, content: str, message: str) -> None:
    ws = make_workspace(tmp_path / "ws")
    export = tmp_path / "export.txt"
    export.write_text(content, encoding="utf-8")
    extra = ["--repo", "acme/shop"] if command == "github-prs" else []
    done = ingest(ws, command, str(export), *extra)
    assert done.returncode == 3 and message in done.stderr and "Traceback" not in done.stderr
