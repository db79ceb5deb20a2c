"""A workspace that includes the delivery library, before anything arrives; and the library in the spec hash.

Before any webhook or import, `headway validate` and `headway query` find the eight canonical
tables (empty, with the library's schema), so a delivery metric answers "no data" instead of
failing on a missing file. The library's YAML files count in the spec hash, so a library that
changes (a Headway upgrade) invalidates caches keyed on it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from headway.cli.main import app
from headway.delivery import processor
from headway.delivery.inbox import Inbox, Record
from headway.delivery.tables import TABLES, schemas, table_path
from headway.spec import library, load_workspace
from tests.delivery.helpers import make_workspace


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(map(str, args)), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout + result.stderr


def test_validate_creates_empty_tables_with_their_schema(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    assert not (root / ".headway").exists()
    code, out = run("validate", "-w", root)
    assert code == 0, out
    assert "delivery/" not in out  # no missing-file warning for any delivery table
    for name in TABLES:
        table = pq.read_table(table_path(root, name))
        assert table.num_rows == 0
        assert table.schema.equals(schemas()[name]), name


def test_query_on_a_fresh_workspace_answers_no_data(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    code, out = run(
        "query", "deployment_frequency", "-w", root, "--from", "2026-10-05", "--to", "2026-10-18", "--format", "json"
    )
    assert code == 0, out
    rows = json.loads(out)["rows"]
    assert [r["period"] for r in rows] == ["2026-10-05", "2026-10-12"]
    # nothing received yet: the periods lie after the data (there is none), so no data, not a confident 0
    assert all(r["value"] is None and r["reason"] == "no_data" and r["n"] == 0 for r in rows), rows
    code, out = run("query", "change_lead_time", "-w", root, "--from", "2026-10-05", "--to", "2026-10-11")
    assert code == 0, out
    assert "no data" in out  # a median of nothing is no data, never 0
    assert "data through none yet" in out and "None" not in out
    code, out = run("query", "deployment_frequency", "-w", root)  # no range and no rows: said so, not a file error
    assert code == 1 and "hold no rows" in out and "no files match" not in out, out


def test_tables_are_rebuilt_from_the_inbox_when_they_were_lost(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    inbox = Inbox.for_workspace(root)
    data = {"repo": "acme/shop", "environment": "production", "sha": "a" * 40, "result": "success"}
    data |= {"started_at": "2026-10-06T10:00:00+00:00", "finished_at": "2026-10-06T10:05:00+00:00"}
    inbox.put_records([("test", Record("deployments", "github:1", data))])
    inbox.close()
    code, out = run("validate", "-w", root)
    assert code == 0, out
    deployments = pq.read_table(table_path(root, "deployments")).to_pylist()
    assert [(d["deployment_id"], d["service"]) for d in deployments] == [("github:1", "shop")]


def test_an_unwritable_workspace_still_validates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_workspace(tmp_path / "ws")

    def refuse(*args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(processor, "write_table", refuse)  # as on a read-only folder (root ignores chmod)
    code, out = run("validate", "-w", root)
    assert code == 0, out  # the warnings name the missing files; no traceback
    assert "no data file matches '.headway/lake/delivery/deployments/data.parquet'" in out
    assert "Traceback" not in out


@pytest.fixture
def library_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "library"
    shutil.copytree(library.HERE, copy)
    monkeypatch.setattr(library, "HERE", copy)
    return copy / "delivery"


def test_library_files_count_in_the_spec_hash(tmp_path: Path, library_copy: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "headway.yml").write_text("name: plain\n", encoding="utf-8")
    before, plain_before = load_workspace(root).spec_hash, load_workspace(plain).spec_hash
    metrics = library_copy / "metrics.yml"
    metrics.write_text(metrics.read_text(encoding="utf-8").replace("as a count)", "as a count, v2)"), "utf-8")
    after = load_workspace(root)
    assert after.spec_hash != before
    assert "v2" in (after.metrics["deployment_frequency"].description or "")
    assert load_workspace(plain).spec_hash == plain_before  # no include: the library is not part of it
    tiers = library_copy / "tiers" / "dora-2021.yml"
    tiers.write_text(tiers.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert load_workspace(root).spec_hash not in (before, after.spec_hash)
