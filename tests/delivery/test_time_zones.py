"""Workspace and machine time zones: a deployment at 2026-10-12 03:00 UTC is Sunday 10-11 20:00 in Los Angeles.

In a UTC workspace it falls in the week of Monday 10-12; in a Los Angeles workspace, in the week
of 10-05, both for the value and for the rows `explain` lists. The machine's own zone (TZ) must
change nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from headway.delivery import Inbox, Processor
from headway.delivery.inbox import Record
from headway.spec import load_workspace
from tests.delivery.helpers import make_workspace

HEADWAY = Path(sys.executable).parent / "headway"
ROWS = {
    "early": "2026-10-06T18:00:00Z",
    "late_sunday": "2026-10-12T03:00:00Z",  # Sunday evening in Los Angeles, Monday in UTC
    "after": "2026-10-14T18:00:00Z",
}


def workspace(root: Path, tz: str) -> Path:
    make_workspace(root, tz)
    inbox = Inbox.for_workspace(root)
    inbox.put_records(
        [
            (k, Record("deployments", k, {"repo": "acme/shop", "environment": "production", "sha": k,
                                          "result": "success", "finished_at": at}))
            for k, at in ROWS.items()
        ]
    )  # fmt: skip
    Processor(root, load_workspace(root).config.delivery, inbox).rebuild()
    inbox.close()
    return root


def run(ws: Path, *args: str) -> dict[str, object]:
    env = {**os.environ, "TZ": "Asia/Kolkata"}  # the machine's zone is neither of the workspaces'
    done = subprocess.run([str(HEADWAY), *args, "-w", str(ws)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    out: dict[str, object] = json.loads(done.stdout)
    return out


@pytest.mark.parametrize(
    ("tz", "weeks", "listed"),
    [
        ("UTC", [("2026-10-05", 1), ("2026-10-12", 2)], ["early"]),
        ("America/Los_Angeles", [("2026-10-05", 2), ("2026-10-12", 1)], ["early", "late_sunday"]),
    ],
    ids=["utc", "los-angeles"],
)
def test_weeks_follow_the_workspace_zone(
    tmp_path: Path, tz: str, weeks: list[tuple[str, int]], listed: list[str]
) -> None:
    ws = workspace(tmp_path / "ws", tz)
    query = ["query", "deployment_frequency", "--grain", "week", "--from", "2026-10-05", "--to", "2026-10-18"]
    out = run(ws, *query, "--format", "json")
    assert [(r["period"], r["value"]) for r in out["rows"]] == weeks  # type: ignore[attr-defined]
    explained = run(ws, "explain", "deployment_frequency", "--period", "2026-10-07", "--format", "json")
    (part,) = explained["parts"]  # type: ignore[misc]
    assert [r["deployment_id"] for r in part["rows"]] == listed
