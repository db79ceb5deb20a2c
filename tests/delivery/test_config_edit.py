"""An edit to `delivery:` or `timezone:` in headway.yml applies on the next command, with no new delivery.

The canonical tables are derived from the stored records with the service map, team map,
production environments and the workspace zone; the next CLI command after an edit rebuilds them.
Hand-made: one change of acme/shop (first commit 10-05 09:00Z, merged 10-05 12:00Z: 3 h) and one
production deployment of acme/shop in environment `prod-eu` at 10-06 10:00Z.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from headway.cli.main import app
from headway.delivery import Inbox
from headway.delivery.inbox import Record
from headway.spec.delivery_config import DERIVED_STAMP
from tests.delivery.helpers import load_records, make_workspace

RECORDS = [
    Record("changes", "github:acme/shop#1", {"repo": "acme/shop", "number": 1, "state": "merged",
                                             "first_commit_at": "2026-10-05T09:00:00Z",
                                             "opened_at": "2026-10-05T10:00:00Z",
                                             "merged_at": "2026-10-05T12:00:00Z"}),
    Record("deployments", "github:9", {"repo": "acme/shop", "environment": "prod-eu", "sha": "a" * 40,
                                       "result": "success", "finished_at": "2026-10-06T10:00:00Z"}),
]  # fmt: skip


def query(root: Path, metric: str, *extra: str) -> list[dict[str, object]]:
    args = ["query", metric, "-w", str(root), "--from", "2026-10-05", "--to", "2026-10-11", "--format", "json"]
    result = CliRunner().invoke(app, [*args, *extra])
    assert result.exit_code == 0, result.stdout + result.stderr
    rows: list[dict[str, object]] = json.loads(result.stdout)["rows"]
    return rows


def test_editing_the_delivery_block_rebuilds_the_tables(tmp_path: Path) -> None:
    root = built(tmp_path)
    assert [(r["team"], r["value"]) for r in query(root, "pr_cycle_time", "--by", "team")] == [("checkout-team", 3.0)]
    assert [r["value"] for r in query(root, "deployment_frequency")] == [0]  # prod-eu is not production yet

    yml = root / "headway.yml"
    text = yml.read_text(encoding="utf-8")
    text = text.replace("{shop: checkout-team,", "{shop: payments-team,")
    text = text.replace("production_environments: [production]", "production_environments: [production, prod-eu]")
    yml.write_text(text, encoding="utf-8")

    assert [(r["team"], r["value"]) for r in query(root, "pr_cycle_time", "--by", "team")] == [("payments-team", 3.0)]
    assert [r["value"] for r in query(root, "deployment_frequency")] == [1]


def test_changing_the_time_zone_rebuilds_the_day_tables(tmp_path: Path) -> None:
    """Work-item age rows are cut on the workspace's days: a new zone re-cuts them."""
    root = make_workspace(tmp_path / "ws")
    item = {"team": "t1", "type": "bug", "started_at": "2026-10-05T12:00:00Z"}
    load_records(root, [Record("work_items", "W", item | {"created_at": "2026-10-05T12:00:00Z"})])
    # the one day, 10-05: UTC ends at 10-06 00:00Z (12 h after the start)
    assert [(r["period"], r["value"]) for r in query(root, "work_item_age", "--grain", "day")][:1] == [
        ("2026-10-05", 0.5)
    ]
    yml = root / "headway.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("timezone: UTC", "timezone: Asia/Tokyo"), "utf-8")
    # in Tokyo (UTC+9) the start is 10-05 21:00, and that day ends at 10-05 15:00Z: 3 h
    assert [(r["period"], r["value"]) for r in query(root, "work_item_age", "--grain", "day")][:1] == [
        ("2026-10-05", 0.125)
    ]


def built(tmp_path: Path) -> Path:
    return load_records(make_workspace(tmp_path / "ws"), RECORDS)


def test_tables_without_an_inbox_are_kept(tmp_path: Path) -> None:
    """A lake copied or linked from elsewhere, with no inbox and no stamp: nothing to rebuild from, so kept."""
    root = built(tmp_path)
    for name in ("inbox.sqlite", "inbox.sqlite-wal", "inbox.sqlite-shm"):
        (root / ".headway" / "delivery" / name).unlink(missing_ok=True)
    (root / DERIVED_STAMP).unlink()
    assert [(r["team"], r["value"]) for r in query(root, "pr_cycle_time", "--by", "team")] == [("checkout-team", 3.0)]
    assert (root / DERIVED_STAMP).exists()  # recorded, so the next command does not look again


def test_a_read_only_inbox_leaves_the_tables_as_they_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = built(tmp_path)
    (root / DERIVED_STAMP).unlink()

    def read_only(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("attempt to write a readonly database")  # as on a read-only mount

    monkeypatch.setattr(Inbox, "__init__", read_only)
    result = CliRunner().invoke(app, ["validate", "-w", str(root)])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert [(r["team"], r["value"]) for r in query(root, "pr_cycle_time", "--by", "team")] == [("checkout-team", 3.0)]
