"""`headway explain` and GET /api/v1/metrics/{id}/explain on the hand-computed scenario (tests/delivery/scenarios).

Week of 2026-10-05: change fail rate 2/5; the numerator's rows are D4 (failed: result) and D6
(failed: incident I2, linked by root_cause_sha); 4 changes merged, none unattributed;
2 incidents opened, I1 unlinked -> unlinked share 0.5.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from headway.serve.app import create_app
from tests.delivery.helpers import make_workspace
from tests.delivery.test_scenarios import load_scenario
from tests.fixtures import Server

HEADWAY = Path(sys.executable).parent / "headway"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_workspace(tmp_path_factory.mktemp("explain") / "ws")
    load_scenario(root)
    return root


def cli(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HEADWAY), "explain", *args, "-w", str(ws)], capture_output=True, text=True, timeout=120, env=os.environ
    )


def check_change_fail_rate(out: dict[str, Any]) -> None:
    assert out["period"] == "2026-10-05"
    assert out["values"] == [{"period": "2026-10-05", "value": 0.4, "n": 5, "complete": True, "reason": None}]
    numerator, denominator = out["parts"]
    assert (numerator["role"], numerator["metric"]) == ("numerator", "failed_deployments")
    assert {r["deployment_id"]: r["failure_how"] for r in numerator["rows"]} == {"D4": "result", "D6": "incident"}
    (incident,) = next(r for r in numerator["rows"] if r["deployment_id"] == "D6")["incidents"]
    assert (incident["incident_id"], incident["link_how"]) == ("I2", "root_cause_sha")
    assert sorted(r["deployment_id"] for r in denominator["rows"]) == ["D3", "D4", "D5", "D6", "D9"]
    quality = out["data_quality"]
    assert (quality["changes_merged"], quality["changes_unattributed"], quality["unattributed_share"]) == (4, 0, 0.0)
    assert (quality["incidents_opened"], quality["incidents_unlinked"], quality["unlinked_share"]) == (2, 1, 0.5)


def test_cli_explain_json(workspace: Path) -> None:
    done = cli(workspace, "change_fail_rate", "--period", "2026-10-07", "--format", "json")
    assert done.returncode == 0, done.stderr
    check_change_fail_rate(json.loads(done.stdout))


def test_cli_explain_table_and_unattributed(workspace: Path) -> None:
    done = cli(workspace, "change_lead_time", "--period", "2026-10-01", "--by", "service")
    assert done.returncode == 0, done.stderr
    # week of 09-28: C1 merged before the first deployment: unattributed, no lead time
    assert "1 of 1 changes merged unattributed" in done.stdout
    assert "(no rows)" in done.stdout


def test_api_explain_matches_cli(workspace: Path) -> None:
    done = cli(workspace, "change_fail_rate", "--period", "2026-10-07", "--format", "json")
    with Server(create_app(workspace, warm=False)) as s:
        response = httpx.get(f"{s.url}/api/v1/metrics/change_fail_rate/explain", params={"period": "2026-10-07"})
        assert response.status_code == 200
        assert response.json() == json.loads(done.stdout)
        check_change_fail_rate(response.json())
        unknown = httpx.get(f"{s.url}/api/v1/metrics/nope/explain", params={"period": "2026-10-07"})
        assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_metric"
        bad = httpx.get(f"{s.url}/api/v1/metrics/change_fail_rate/explain", params={"period": "last week"})
        assert bad.status_code == 422 and bad.json()["ok"] is False
        by = httpx.get(
            f"{s.url}/api/v1/metrics/change_fail_rate/explain", params={"period": "2026-10-07", "by": "regoin"}
        )
        assert by.status_code == 400 and by.json()["code"] == "unknown_dimension"


def test_cli_explain_refusals(workspace: Path) -> None:
    unknown = cli(workspace, "change_fail_rat", "--period", "2026-10-07")
    assert unknown.returncode == 1 and "change_fail_rate" in unknown.stderr
    bad_date = cli(workspace, "change_fail_rate", "--period", "07/10/2026")
    assert bad_date.returncode == 2
