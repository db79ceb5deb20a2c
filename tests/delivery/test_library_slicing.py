"""The delivery library: every id issue 13 names exists, slices by service and team, never by person.

Work items reach a service two ways, both worked by hand below (week of 2026-10-05):
  Jira CSV (Component/s is the service; Team, when empty, comes from delivery.teams):
    SHOP-1 Story, component shop, no team     -> shop / checkout-team, done 10-06
    SHOP-2 Bug, component shop, team payments  -> shop / payments,      done 10-07
    PLAT-1 Tech debt, component platform       -> platform / (no team), done 10-08
  GitHub issue #1 of Codertocat/Hello-World (the corpus's issues.opened.json, closed 10-08, label bug)
    -> service hello (delivery.services), team hello-team (delivery.teams)
  throughput by service: shop 2, platform 1, hello 1; tech-debt share by service: platform 1, shop 0, hello 0.
Sprint S1 (10-02 to 10-16; points 3, 2, 5): PLAT-1 was created 10-03, a mid-sprint addition; the others
were committed and done in the sprint -> say/do in the week of 10-12, by service: shop 5/5 over 2 items
(platform committed nothing: no row); by team: checkout-team 3/3, payments 2/2.
Effort in October (31 days): zoë on SHOP-1 10-05, 10-06; ana on SHOP-2 10-05 (alone), 10-06 and 10-07
(half each with PLAT-1), PLAT-1 alone 10-08 -> shop 2 + 2 = 4 person-days, platform 2 -> 4/31, 2/31 FTE-months.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from headway.delivery import github
from headway.engine import Engine, Query
from headway.spec import load_workspace
from headway.spec.library import Library, library_files
from headway.spec.models import Grain
from tests.delivery.helpers import CORPUS, load_records, make_workspace, rows_of

HEADWAY = Path(sys.executable).parent / "headway"
# item 5 of the issue, in its order
NAMED = [
    "deployment_frequency", "deployment_days", "change_lead_time", "change_lead_time_p75", "change_fail_rate",
    "failed_deployment_recovery_time", "time_to_restore_service", "deployment_rework_rate", "pr_cycle_time",
    "pr_coding_time", "pr_pickup_time", "pr_review_time", "pr_deploy_time", "pr_merge_rate", "pr_size", "wip",
    "throughput", "work_item_cycle_time", "work_item_age", "feature_share", "bug_share", "tech_debt_share",
    "say_do_ratio", "defect_escape_rate", "on_time_delivery",
]  # fmt: skip
SPRINT = "S1,2026-10-02T00:00:00Z,2026-10-16T00:00:00Z"
HEADER = "Issue key,Issue Type,Summary,Status,Team,Component/s,Assignee,Created,Start date,Resolved"
JIRA = f"""\
{HEADER},Sprint,Sprint start,Sprint end,Story Points
SHOP-1,Story,Panier — café,Done,,shop,zoë,2026-10-01T09:00:00Z,2026-10-05T09:00:00Z,2026-10-06T09:00:00Z,{SPRINT},3
SHOP-2,Bug,Fix total,Done,payments,shop,ana,2026-10-01T09:00:00Z,2026-10-05T09:00:00Z,2026-10-07T09:00:00Z,{SPRINT},2
PLAT-1,Tech debt,Refactor,Done,,platform,ana,2026-10-03T09:00:00Z,2026-10-06T09:00:00Z,2026-10-08T09:00:00Z,{SPRINT},5
"""


def library() -> tuple[dict[str, dict[str, object]], dict[str, dict[str, dict[str, object]]]]:
    files = library_files(Library.DELIVERY)
    metrics = {m["id"]: m for m in yaml.safe_load(files["metrics"].read_text(encoding="utf-8"))["metrics"]}
    sources = {s["name"]: s["columns"] for s in yaml.safe_load(files["sources"].read_text(encoding="utf-8"))["sources"]}
    return metrics, sources


def test_every_named_metric_exists_and_slices_by_service_and_team() -> None:
    metrics, _ = library()
    assert [m for m in NAMED if m not in metrics] == []
    for metric_id, metric in metrics.items():
        dims = set(metric.get("dimensions") or [])  # type: ignore[arg-type]
        assert {"service", "team"} <= dims, metric_id


def test_no_metric_slices_or_counts_by_person() -> None:
    metrics, sources = library()
    personal = {name for columns in sources.values() for name, column in columns.items() if column.get("pii")}
    assert personal == {"author", "assignees"}
    for metric_id, metric in metrics.items():
        assert not personal & set(metric.get("dimensions") or []), metric_id  # type: ignore[arg-type]
        text = json.dumps([metric.get("measure"), metric.get("filter")])
        assert not any(name in text for name in personal), metric_id


def ingest(ws: Path, *args: str) -> None:
    done = subprocess.run([str(HEADWAY), "ingest", *args, "-w", str(ws)], capture_output=True, text=True,
                          timeout=120, env=os.environ)  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("slicing")
    root = make_workspace(tmp / "ws")
    export = tmp / "jira.csv"
    export.write_text(JIRA, encoding="utf-8")
    ingest(root, "jira", str(export))
    payload = json.loads((CORPUS / "github" / "issues.opened.json").read_text(encoding="utf-8"))
    payload["issue"] |= {"state": "closed", "created_at": "2026-10-02T10:00:00Z", "closed_at": "2026-10-08T10:00:00Z"}
    load_records(root, github.records("issues", payload, ["incident"]))
    return root


@pytest.mark.parametrize("engine", [pytest.param("duckdb"), pytest.param("spark", marks=pytest.mark.spark)])
def test_work_item_metrics_by_service_and_team(workspace: Path, engine: str, request: pytest.FixtureRequest) -> None:
    ws = load_workspace(workspace)
    runner = Engine(ws, "spark", spark_session=request.getfixturevalue("spark")) if engine == "spark" else Engine(ws)
    week = (dt.date(2026, 10, 5), dt.date(2026, 10, 11))

    def sliced(metric: str, by: str) -> dict[object, tuple[object, object]]:
        rows = rows_of(runner, Query(metric, Grain.WEEK, (by,), *week))
        return {r[by]: (r["value"], r["n"]) for r in rows}

    assert sliced("throughput", "service") == {"shop": (2, 2), "platform": (1, 1), "hello": (1, 1)}
    assert sliced("throughput", "team") == {"checkout-team": (1, 1), "payments": (1, 1), None: (1, 1),
                                            "hello-team": (1, 1)}  # fmt: skip
    assert sliced("tech_debt_share", "service") == {"platform": (1.0, 1), "shop": (0.0, 2), "hello": (0.0, 1)}


def test_say_do_and_effort_by_service(workspace: Path) -> None:
    engine = Engine(load_workspace(workspace))

    def sliced(metric: str, by: str, grain: Grain, start: dt.date, end: dt.date) -> dict[object, tuple[object, object]]:
        return {r[by]: (r["value"], r["n"]) for r in rows_of(engine, Query(metric, grain, (by,), start, end))}

    week = (dt.date(2026, 10, 12), dt.date(2026, 10, 18))
    assert sliced("say_do_ratio", "service", Grain.WEEK, *week) == {"shop": (1.0, 2)}
    assert sliced("say_do_ratio", "team", Grain.WEEK, *week) == {"checkout-team": (1.0, 1), "payments": (1.0, 1)}
    october = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    effort = sliced("investment_fte", "service", Grain.MONTH, *october)
    assert effort.keys() == {"shop", "platform"}
    assert math.isclose(float(effort["shop"][0]), 4 / 31) and math.isclose(float(effort["platform"][0]), 2 / 31)
    share = sliced("tech_debt_effort_share", "service", Grain.MONTH, *october)
    assert (share["shop"][0], share["platform"][0]) == (0.0, 1.0)
