"""`headway ingest github-deployments` and `gitlab-mrs`: REST dumps into the same tables, worked by hand.

GitHub deployments of acme/shop (service shop), each with its `statuses` list as the REST API gives it:
  1  production  success at 10-05 10:05Z (after in_progress at 10:01)   -> counted, not failed
  2  production  failure at 10-06 10:07Z                                 -> counted, failed
  3  staging     success at 10-06 11:00Z                                 -> never counted
  week of 10-05: deployment_frequency 1, production deployments 2, change fail rate 1/2.
GitLab MRs of acme/shop (the REST shape: merged_at and closed_at are real fields here):
  !5 opened 10-01 09:00Z, merged "2026-10-02T12:00:00.000+02:00" = 10:00Z -> PR cycle time 25 h
     (no commit known: it starts at the opening)
  !6 opened 10-01 09:00Z, closed unmerged 10-02 15:00Z
  week of 09-28: PR merge rate 1 / 2.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from headway.engine import Engine, Query
from headway.spec import load_workspace
from headway.spec.models import Grain
from tests.delivery.helpers import make_workspace, rows_of

HEADWAY = Path(sys.executable).parent / "headway"


def status(ident: int, state: str, at: str) -> dict[str, object]:
    return {"id": ident, "state": state, "created_at": at, "updated_at": at}


DEPLOYMENTS = [
    {"id": 1, "sha": "a" * 40, "environment": "production", "created_at": "2026-10-05T10:00:00Z",
     "statuses": [status(11, "in_progress", "2026-10-05T10:01:00Z"), status(12, "success", "2026-10-05T10:05:00Z")]},
    {"id": 2, "sha": "b" * 40, "environment": "production", "created_at": "2026-10-06T10:00:00Z",
     "statuses": [status(21, "failure", "2026-10-06T10:07:00Z")]},
    {"id": 3, "sha": "b" * 40, "environment": "staging", "created_at": "2026-10-06T10:50:00Z",
     "statuses": [status(31, "success", "2026-10-06T11:00:00Z")]},
]  # fmt: skip
MRS = [
    {"iid": 5, "title": "Add café ✓", "state": "merged", "created_at": "2026-10-01T09:00:00.000Z",
     "updated_at": "2026-10-03T10:00:00.000Z", "merged_at": "2026-10-02T12:00:00.000+02:00",
     "merge_commit_sha": "c" * 40, "sha": "d" * 40, "source_branch": "feat", "labels": ["feature"],
     "author": {"username": "zoë"}},
    {"iid": 6, "title": "Abandoned", "state": "closed", "created_at": "2026-10-01T09:00:00Z",
     "updated_at": "2026-10-02T15:00:00Z", "closed_at": "2026-10-02T15:00:00Z", "merged_at": None,
     "merge_commit_sha": None, "sha": "e" * 40, "source_branch": "old", "labels": [], "author": {"username": "ana"}},
]  # fmt: skip


def ingest(ws: Path, *args: str) -> None:
    done = subprocess.run([str(HEADWAY), "ingest", *args, "-w", str(ws)], capture_output=True, text=True,
                          timeout=120, env=os.environ)  # fmt: skip
    assert done.returncode == 0, done.stderr


def weekly(ws: Path, metric: str, monday: dt.date) -> tuple[object, object]:
    (row,) = rows_of(Engine(load_workspace(ws)), Query(metric, Grain.WEEK, (), monday, monday + dt.timedelta(6)))
    return row["value"], row["n"]


def test_github_deployments_and_gitlab_merge_requests(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    (tmp_path / "deployments.json").write_text(json.dumps(DEPLOYMENTS), encoding="utf-8")
    (tmp_path / "mrs.json").write_text(json.dumps(MRS, ensure_ascii=False), encoding="utf-8")
    ingest(ws, "github-deployments", str(tmp_path / "deployments.json"), "--repo", "acme/shop")
    ingest(ws, "gitlab-mrs", str(tmp_path / "mrs.json"), "--repo", "acme/shop")
    ingest(ws, "gitlab-mrs", str(tmp_path / "mrs.json"), "--repo", "acme/shop")  # twice: idempotent

    week = dt.date(2026, 10, 5)
    assert weekly(ws, "deployment_frequency", week) == (1, 1)
    assert weekly(ws, "production_deployments", week) == (2, 2)
    assert weekly(ws, "change_fail_rate", week) == (0.5, 2)
    before = dt.date(2026, 9, 28)
    assert weekly(ws, "pr_cycle_time", before) == (25.0, 1)
    assert weekly(ws, "pr_merge_rate", before) == (0.5, 2)
