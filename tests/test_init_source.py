"""`headway init` and `headway source add`: what they write, what they refuse, and that validate passes on it.

Values are checked against the files' own contents and against SQL run on SQLite itself.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from headway.cli.init_cmd import machine_timezone
from headway.cli.main import app


def run(*args: Any, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200", **(env or {})})


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    assert run("init", tmp_path / "ws", "--timezone", "Asia/Kolkata").exit_code == 0
    return tmp_path / "ws"


# -- init -------------------------------------------------------------------------------------------


def test_init_writes_a_workspace_that_validates(ws: Path) -> None:
    config = yaml.safe_load((ws / "headway.yml").read_text())
    assert config == {"name": "ws", "timezone": "Asia/Kolkata", "week_start": "monday", "default_grain": "week"}
    made = sorted(p.name for p in ws.iterdir())
    assert made == [".gitignore", "README.md", "data", "headway.yml", "metrics", "sources"]
    assert (ws / ".gitignore").read_text() == ".headway/\n"
    result = run("validate", "-w", ws)
    assert result.exit_code == 0 and "ok ws:" in result.output and "0 metrics" in result.output


def test_init_refuses_a_non_empty_folder_and_an_existing_workspace(tmp_path: Path, ws: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("x")
    refused = run("init", tmp_path / "notes")
    assert refused.exit_code == 1 and "not empty and is not a workspace" in refused.output
    assert sorted(p.name for p in (tmp_path / "notes").iterdir()) == ["todo.txt"]
    again = run("init", ws)
    assert again.exit_code == 1 and "already a workspace" in again.output


def test_init_takes_the_machine_time_zone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    assert machine_timezone() == "America/Los_Angeles"
    assert run("init", tmp_path / "la", env={"TZ": "America/Los_Angeles"}).exit_code == 0
    assert yaml.safe_load((tmp_path / "la" / "headway.yml").read_text())["timezone"] == "America/Los_Angeles"


def test_init_refuses_unknown_zone_and_names(tmp_path: Path) -> None:
    bad_zone = run("init", tmp_path / "a", "--timezone", "Mars/Olympus")
    assert bad_zone.exit_code == 1 and "unknown time zone 'Mars/Olympus'" in bad_zone.output
    bad_name = run("init", tmp_path / "b", "--name", "x'; drop")
    assert bad_name.exit_code == 1 and "cannot be a workspace id" in bad_name.output
    assert not (tmp_path / "a").exists() or not any((tmp_path / "a").iterdir())


# -- source add: files --------------------------------------------------------------------------------


def test_parquet_source_is_typed_keyed_and_validates(ws: Path) -> None:
    events = pa.table(
        {
            "event_id": pa.array(["e1", "e2", "e3"]),
            "user_id": pa.array(["u1", "u1", "u2"]),
            "occurred_at": pa.array(
                [dt.datetime(2024, 5, 1, 10), dt.datetime(2024, 5, 2, 11), dt.datetime(2024, 5, 3)],
                pa.timestamp("us", tz="UTC"),
            ),
            "price": pa.array([Decimal("9.99"), Decimal("0.10"), None], pa.decimal128(10, 2)),
            "Order Date": pa.array(["a", "b", "c"]),
        }
    )
    pq.write_table(events, ws / "data" / "events.parquet")
    added = run("source", "add", "data/events.parquet", "-w", ws)
    assert added.exit_code == 0, added.output
    text = (ws / "sources" / "events.yml").read_text()
    source = yaml.safe_load(text)["sources"][0]
    assert source["time"] == "occurred_at" and source["primary_key"] == "event_id"
    assert source["columns"] == {
        "event_id": {"type": "string", "entity": "event"},
        "user_id": {"type": "string", "entity": "user"},
        "occurred_at": {"type": "timestamp"},
        "price": {"type": "decimal", "precision": 10, "scale": 2},
    }
    assert '# left out "Order Date"' in text and "# guessed" in text
    assert run("validate", "-w", ws).exit_code == 0


def test_a_glob_of_csv_files_and_no_overwrite_without_force(ws: Path) -> None:
    for month, rows in (("01", ["a1,2024-01-03 10:00:00,3"]), ("02", ["a2,2024-02-04 11:00:00,5"])):
        (ws / "data" / f"visits-{month}.csv").write_text("visit_id,ts,pages\n" + "\n".join(rows) + "\n")
    added = run("source", "add", "data/visits-*.csv", "--name", "visits", "--metrics", "-w", ws)
    assert added.exit_code == 0, added.output
    source = yaml.safe_load((ws / "sources" / "visits.yml").read_text())["sources"][0]
    assert source["path"] == "data/visits-*.csv" and source["time"] == "ts"
    assert source["columns"]["pages"] == {"type": "integer"}
    assert run("validate", "-w", ws).exit_code == 0
    result = run("query", "visits", "--grain", "month", "--format", "json", "-w", ws)
    assert result.exit_code == 0, result.output
    assert [(r["period"], r["value"]) for r in json.loads(result.output)["rows"]] == [
        ("2024-01-01", 1),
        ("2024-02-01", 1),
    ]
    before = (ws / "sources" / "visits.yml").read_text()
    refused = run("source", "add", "data/visits-01.csv", "--name", "visits", "-w", ws)
    assert refused.exit_code == 1 and "--force" in refused.output
    assert (ws / "sources" / "visits.yml").read_text() == before
    forced = run("source", "add", "data/visits-01.csv", "--name", "visits", "--force", "-w", ws)
    assert forced.exit_code == 0 and "visits-01.csv" in (ws / "sources" / "visits.yml").read_text()


def test_refusals_are_clear(tmp_path: Path, ws: Path) -> None:
    missing = run("source", "add", "data/nothing.csv", "-w", ws)
    assert missing.exit_code == 3 and "no files match 'data/nothing.csv'" in missing.output
    unknown = run("source", "add", "data/notes.txt.docx", "-w", ws)
    assert unknown.exit_code == 3
    outside = run("source", "add", "x.csv", "-w", tmp_path)
    assert outside.exit_code == 1 and "not a workspace" in outside.output
    secret = run("source", "add", "postgresql://me:hunter2@db/shop", "--table", "orders", "-w", ws)
    assert secret.exit_code == 2 and "password" in secret.output and "hunter2" not in secret.output
    no_table = run("source", "add", "sqlite:///shop.db", "-w", ws)
    assert no_table.exit_code == 2 and "--table" in no_table.output
    assert not list((ws / "sources").iterdir())


# -- source add: a SQLite table --------------------------------------------------------------------


def test_sqlite_table_is_snapshotted_and_queried(ws: Path) -> None:
    db = ws / "shop.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE tickets (ticket_id TEXT PRIMARY KEY, customer_id TEXT, opened TEXT, minutes REAL)")
        conn.executemany(
            "INSERT INTO tickets VALUES (?, ?, ?, ?)",
            [("t1", "c1", "2024-06-01", 12.5), ("t2", "c2", "2024-06-01", 30.0), ("t3", "c1", "2024-07-15", 7.0)],
        )
    added = run("source", "add", f"sqlite:///{db}", "--table", "tickets", "--metrics", "-w", ws)
    assert added.exit_code == 0, added.output
    assert (ws / ".headway" / "snapshots" / "tickets.parquet").is_file()
    source = yaml.safe_load((ws / "sources" / "tickets.yml").read_text())["sources"][0]
    assert source["database"] == {"url": f"sqlite:///{db}", "table": "tickets"}
    assert source["path"] == ".headway/snapshots/tickets.parquet"
    assert run("validate", "-w", ws).exit_code == 0
    assert source["time"] == "opened" and source["columns"]["opened"] == {"type": "date"}
    with sqlite3.connect(db) as conn:  # the oracle: SQLite's own SQL
        conn.execute("INSERT INTO tickets VALUES ('t4', 'c3', '2024-07-20', 1.0)")
        oracle = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
    refreshed = run("source", "refresh", "tickets", "-w", ws)
    assert refreshed.exit_code == 0 and "tickets: 4 rows" in refreshed.output
    checked = run("source", "check", "tickets", "-w", ws)
    assert checked.exit_code == 0 and f"tickets: {oracle} rows read" in checked.output
    assert "snapshot of tickets taken" in checked.output
    result = run("query", "tickets", "--grain", "month", "--format", "json", "-w", ws)
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as conn:
        monthly = conn.execute("SELECT substr(opened, 1, 7) || '-01', count(*) FROM tickets GROUP BY 1 ORDER BY 1")
        expected = [tuple(row) for row in monthly.fetchall()]
    assert [(r["period"], r["value"]) for r in json.loads(result.output)["rows"]] == expected


def test_hostile_table_name_is_an_identifier_not_sql(ws: Path) -> None:
    db = ws / "shop.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE orders (order_id TEXT)")
    hostile = 'orders"; DROP TABLE orders; --'
    result = run("source", "add", f"sqlite:///{db}", "--table", hostile, "--name", "evil", "-w", ws)
    assert result.exit_code == 3 and "cannot read" in result.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall() == [("orders",)]
