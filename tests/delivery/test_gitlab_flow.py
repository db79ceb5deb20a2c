"""A GitLab project's week through a real `POST /webhooks/gitlab`, then the DORA metrics, worked by hand.

The corpus has no merged MR with a clean `merge` action, no failed deployment and no closed
incident (its README's known gaps): each payload below is derived from the nearest real file
(merge_request.open.json, push.json, deployment.success.json, issue.open.json) with the project
set to acme/mobile (service mobile) and the fields named changed. Times (UTC; GitLab's own formats):
  D0  production success "2026-10-05 10:00:00 UTC", SHA S0: the first deployment, ships nothing
  !7  opened 10-05 11:00; branch `feat` pushed with commit B1 authored "2026-10-05T12:30:00+02:00"
      (10:30Z); merged (state merged, no merged_at field: the hook's updated_at) 10-06 09:00, SHA M7
  D1  production running 10-06 09:30, success "2026-10-06 12:00:00 +0200" (10:00Z), SHA M7
      -> ships !7 by merge order (no commit graph for M7): lead time 10-05 10:30 -> 10-06 10:00 = 23.5 h
  D9  staging success 10-06 11:00, SHA M7: never counted
  #40 incident, opened 10-06 10:30, closed 12:30, "root cause: <M7's first 8>" -> D1 failed (incident)
  D2  production failed 10-07 08:00, SHA M7           -> failed (result); rework (after D1 failed)
  D3  production success 10-07 09:00, SHA M7          -> rework (after D2); recovers D1 and D2
Week of 10-05: deployments 3 (D0 D1 D3), production 4 (+ D2), failed 2 (D1, D2): change fail rate
0.5; lead time 23.5 h (n 1); recovery D1 23 h, D2 1 h -> median 12 (n 2); restore 2 h (n 1);
rework D2 D3 -> 2/4 = 0.5; PR cycle time 10:30 -> 09:00 = 22.5 h.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from headway.engine import Engine, Query
from headway.serve.app import create_app
from headway.spec import load_workspace
from headway.spec.models import Grain
from tests.delivery.helpers import CORPUS, rows_of, wait_processed
from tests.fixtures import Server

TOKEN = "gitlab-token-for-the-test"
S0, B1, M7 = "0" * 39 + "1", "b" * 40, "7" * 40
PROJECT = {"path_with_namespace": "acme/mobile", "name": "mobile"}
HEADWAY_YML = """\
name: gitlab_flow
timezone: UTC
include: [delivery]
delivery:
  services: {"acme/mobile": mobile}
  teams: {mobile: mobile-team}
"""


def corpus(name: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads((CORPUS / "gitlab" / name).read_text(encoding="utf-8"))
    payload["project"] = {**payload.get("project", {}), **PROJECT}
    return payload


def deployment(ident: int, environment: str, status: str, at: str, sha: str) -> dict[str, Any]:
    payload = corpus("deployment.success.json")
    payload |= {"deployment_id": ident, "environment": environment, "status": status, "status_changed_at": at}
    payload |= {"short_sha": sha[:8], "commit_url": f"https://gitlab.example.com/acme/mobile/-/commit/{sha}"}
    return payload


def merge_request(state: str, action: str, updated: str) -> dict[str, Any]:
    payload = corpus("merge_request.open.json")
    attrs = payload["object_attributes"]
    attrs |= {"iid": 7, "state": state, "action": action, "created_at": "2026-10-05T11:00:00.000Z"}
    attrs |= {"updated_at": updated, "source_branch": "feat", "last_commit": {**attrs["last_commit"], "id": B1}}
    attrs["merge_commit_sha"] = M7 if state == "merged" else None
    return payload


def branch_push() -> dict[str, Any]:
    payload = corpus("push.json")
    commit = copy.deepcopy(payload["commits"][0]) | {"id": B1, "timestamp": "2026-10-05T12:30:00+02:00"}
    return payload | {"ref": "refs/heads/feat", "before": S0, "after": B1, "commits": [commit]}


def incident() -> dict[str, Any]:
    payload = corpus("issue.open.json")
    payload["labels"] = [{"title": "incident"}]
    payload["object_attributes"] |= {
        "iid": 40, "state": "closed", "action": "close", "created_at": "2026-10-06T10:30:00Z",
        "updated_at": "2026-10-06T12:30:00Z", "closed_at": "2026-10-06T12:30:00Z",
        "description": f"Crash on start.\n\nroot cause: {M7[:8]}",
    }  # fmt: skip
    return payload


HOOKS = [
    deployment(100, "production", "success", "2026-10-05 10:00:00 UTC", S0),
    merge_request("opened", "open", "2026-10-05T11:00:00.000Z"),
    branch_push(),
    merge_request("merged", "merge", "2026-10-06 09:00:00 UTC"),
    deployment(101, "production", "running", "2026-10-06 09:30:00 UTC", M7),
    deployment(101, "production", "success", "2026-10-06 12:00:00 +0200", M7),
    deployment(109, "staging", "success", "2026-10-06 11:00:00 UTC", M7),
    incident(),
    deployment(102, "production", "failed", "2026-10-07T08:00:00Z", M7),
    deployment(103, "production", "success", "2026-10-07T09:00:00.000Z", M7),
]
WANT = {
    "deployment_frequency": (3, 3),
    "production_deployments": (4, 4),
    "change_fail_rate": (0.5, 4),
    "change_lead_time": (23.5, 1),
    "failed_deployment_recovery_time": (12.0, 2),
    "time_to_restore_service": (2.0, 1),
    "deployment_rework_rate": (0.5, 4),
    "pr_cycle_time": (22.5, 1),
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gitlab-flow") / "ws"
    root.mkdir()
    (root / "headway.yml").write_text(HEADWAY_YML, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HEADWAY_GITLAB_WEBHOOK_TOKEN", TOKEN)
        with Server(create_app(root, warm=False)) as s, httpx.Client() as client:
            for hook in HOOKS:
                headers = {"X-Gitlab-Token": TOKEN, "X-Gitlab-Event-UUID": str(uuid.uuid4())}
                answer = client.post(f"{s.url}/webhooks/gitlab", content=json.dumps(hook).encode(), headers=headers)
                assert answer.status_code == 202, answer.text
            status = wait_processed(client, s.url)
    assert (status["processed"], status["failed"]) == (len(HOOKS), 0), status
    return root


@pytest.mark.parametrize("metric", sorted(WANT))
def test_a_gitlab_week_gives_the_hand_worked_dora_values(workspace: Path, metric: str) -> None:
    week = (dt.date(2026, 10, 5), dt.date(2026, 10, 11))
    (row,) = rows_of(Engine(load_workspace(workspace)), Query(metric, Grain.WEEK, (), *week))
    assert (row["value"], row["n"]) == pytest.approx(WANT[metric]), metric


def test_the_links_say_how_they_were_made(workspace: Path) -> None:
    import pyarrow.parquet as pq

    def table(name: str) -> list[dict[str, Any]]:
        return pq.read_table(workspace / ".headway" / "lake" / "delivery" / name / "data.parquet").to_pylist()

    (change,) = table("changes")
    assert (change["change_id"], change["deployment_id"], change["attribution"]) == (
        "gitlab:acme/mobile#7", "gitlab:101", "merge_order"
    )  # fmt: skip
    assert (change["service"], change["team"]) == ("mobile", "mobile-team")
    (row,) = table("incidents")
    assert (row["deployment_id"], row["link_how"], row["hours_to_resolve"]) == ("gitlab:101", "root_cause_sha", 2.0)
    failed = {d["deployment_id"]: d["failure_how"] for d in table("deployments") if d["failed"]}
    assert failed == {"gitlab:101": "incident", "gitlab:102": "result"}
