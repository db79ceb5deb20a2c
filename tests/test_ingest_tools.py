"""File import, quarantine, quality and retention, through the CLI (expected values by hand)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fixtures.ingest import by, lake_ids, make_workspace, quarantined, total
from typer.testing import CliRunner

from headway.cli.main import app

TODAY = dt.datetime.now(dt.UTC).date()


def cli(*args: Any) -> Any:
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})
    return result


def day(offset: int, hour: int = 12) -> str:
    return f"{(TODAY - dt.timedelta(days=offset)).isoformat()}T{hour:02d}:00:00Z"


SEGMENT_LINES = [
    {
        "type": "track",
        "messageId": "j1",
        "userId": "ü-1",
        "event": "Order Completed",
        "timestamp": day(1),
        "properties": {"feature": "checkout", "n": 2},
    },
    {"type": "track", "messageId": "j2", "anonymousId": "a-1", "event": "Order Completed", "timestamp": day(1)},
    {"type": "identify", "messageId": "j3", "anonymousId": "a-1", "userId": "ü-1", "timestamp": day(1, 13)},
    {"type": "track", "event": "no ids", "timestamp": day(1)},  # refused: missing_id
]


def write_jsonl(path: Path, lines: list[Any], broken: bool = False) -> Path:
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n"
    path.write_text(text + ("{not json\n" if broken else ""), encoding="utf-8")
    return path


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "ws", timezone="America/Los_Angeles")


def test_jsonl_import_summary_and_rerun_adds_nothing(ws: Path, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "events.jsonl", SEGMENT_LINES, broken=True)
    first = cli("ingest", path, "--source", "backend", "-w", ws)
    assert first.exit_code == 0, first.output
    assert re.search(r"accepted\s+│\s+3", first.output) and re.search(r"missing_id\s+│\s+1", first.output)
    assert re.search(r"invalid_json\s+│\s+1", first.output)
    again = cli("ingest", path, "--source", "backend", "-w", ws)
    assert re.search(r"accepted\s+│\s+0", again.output) and re.search(r"duplicates \(dropped\)\s+│\s+3", again.output)
    assert len(quarantined(ws)) == 2  # the refused lines are kept once, not once per import
    assert sorted(lake_ids(ws)) == ["j1", "j2", "j3"]
    assert by(ws, "tracks", "source") == {"backend": 2}
    assert total(ws, "people") == 1  # a-1 identified as ü-1


def test_unified_parquet_and_csv_import(ws: Path, tmp_path: Path) -> None:
    stamp = dt.datetime.fromisoformat(day(2))
    table = pa.table(
        {
            "message_id": ["p1", "p2"],
            "type": ["track", "track"],
            "event": ["Signed Up", "Signed Up"],
            "user_id": ["u1", "u2"],
            "anonymous_id": [None, None],
            "account_id": ["acct-1", None],
            "timestamp": pa.array([stamp, stamp], pa.timestamp("us", tz="UTC")),
            "properties": pa.array([{"feature": "trial"}, {"feature": "paid"}]),
        }
    )
    pq.write_table(table, tmp_path / "unified.parquet")
    assert cli("ingest", tmp_path / "unified.parquet", "--source", "crm", "-w", ws).exit_code == 0
    with (tmp_path / "events.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["message_id", "type", "event", "user_id", "timestamp"])
        writer.writerow(["c1", "track", "Signed Up", "u3", day(2)])
        writer.writerow(["c2", "track", "Signed Up", "u1", day(2)])
    assert cli("ingest", tmp_path / "events.csv", "--source", "crm", "-w", ws).exit_code == 0
    assert total(ws, "tracks") == 4
    assert by(ws, "tracks", "properties.feature") == {"trial": 1, "paid": 1, None: 2}  # the CSV rows have none
    assert total(ws, "users") == 3


def test_import_of_a_missing_file_or_unknown_format(ws: Path, tmp_path: Path) -> None:
    assert cli("ingest", tmp_path / "nope.jsonl", "--source", "x", "-w", ws).exit_code == 2
    (tmp_path / "data.xml").write_text("<x/>", encoding="utf-8")
    result = cli("ingest", tmp_path / "data.xml", "--source", "x", "-w", ws)
    assert result.exit_code == 3 and "unknown format" in result.output


def test_quarantine_list_show_and_replay(ws: Path, tmp_path: Path) -> None:
    future = {"type": "track", "messageId": "f1", "userId": "u", "event": "Later", "timestamp": day(-3)}
    path = write_jsonl(tmp_path / "future.jsonl", [future])
    cli("ingest", path, "--source", "web", "-w", ws)
    assert quarantined(ws) == [("future_timestamp", quarantined(ws)[0][1])]
    listed = cli("quarantine", "list", "-w", ws)
    assert "future_timestamp" in listed.output and "waiting for replay: future_timestamp: 1" in listed.output
    shown = cli("quarantine", "show", "1", "-w", ws)
    assert json.loads(shown.output)["raw"] and '"messageId": "f1"' in json.loads(shown.output)["raw"].replace(
        '":"', '": "'
    )
    assert cli("quarantine", "show", "99", "-w", ws).exit_code == 1
    # still in the future: the replay refuses it again, and it stays waiting (kept once)
    replayed = cli("quarantine", "replay", "-w", ws)
    assert "0 event(s) accepted" in replayed.output and "future_timestamp: 1" in replayed.output
    assert len(quarantined(ws)) == 1 and "future_timestamp: 1" in cli("quarantine", "list", "-w", ws).output
    # a later policy that tolerates it (future_limit_hours) lets the replay through
    config = (
        (ws / "headway.yml")
        .read_text(encoding="utf-8")
        .replace('"visible_within_s"', '"future_limit_hours": 200, "visible_within_s"')
    )
    (ws / "headway.yml").write_text(config, encoding="utf-8")
    replayed = cli("quarantine", "replay", "-w", ws)
    assert "1 event(s) accepted" in replayed.output, replayed.output
    assert lake_ids(ws) == ["f1"]
    assert "waiting for replay: nothing" in cli("quarantine", "list", "-w", ws).output


def test_quality_report(ws: Path, tmp_path: Path) -> None:
    lines = [
        *SEGMENT_LINES,
        {"type": "page", "messageId": "q1", "anonymousId": "a-9", "name": "Home", "timestamp": day(1)},
        {"type": "track", "messageId": "j1", "userId": "ü-1", "event": "dup", "timestamp": day(1)},  # duplicate
        {"type": "track", "messageId": "old", "userId": "u", "event": "Late", "timestamp": day(3)},
    ]
    cli("ingest", write_jsonl(tmp_path / "q.jsonl", lines), "--source", "web", "-w", ws)
    result = cli("quality", "--format", "json", "-w", ws)
    rows = {(r["day"]): r for r in json.loads(result.output)["rows"]}
    yesterday, earlier = rows[day(1)[:10]], rows[day(3)[:10]]
    # yesterday: j1, j2, j3, q1 accepted; j1 again a duplicate; anonymous: j2 and q1, of which j2 (a-1) resolved
    assert (yesterday["accepted"], yesterday["duplicates"], yesterday["anonymous"]) == (4, 1, 2)
    assert yesterday["anonymous_resolved_share"] == 0.5
    # late: happened more than a day before it was received (depends on the time of day the test runs)
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    accepted_yesterday = [
        x for x in lines if x.get("messageId") in ("j1", "j2", "j3", "q1") and x.get("event") != "dup"
    ]
    late = sum(dt.datetime.fromisoformat(x["timestamp"]) < cutoff for x in accepted_yesterday)
    assert yesterday["late"] in (late - 1, late)  # -1: the clock may cross a boundary since the import
    assert yesterday["lag_s_mean"] is not None and yesterday["lag_s_mean"] >= 0
    assert earlier["accepted"] == 1 and earlier["late"] == 1
    today = rows[TODAY.isoformat()]  # quarantine is counted on the day it was received
    assert today["quarantined"] == {"missing_id": 1}
    table = cli("quality", "-w", ws)
    assert "missing_id 1" in table.output and "50%" in table.output


def test_retention_removes_old_events_and_keeps_identities(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    (ws / "headway.yml").write_text((ws / "headway.yml").read_text(encoding="utf-8") + "raw_retention_days: 30\n")
    lines = [
        {"type": "identify", "messageId": "i1", "anonymousId": "dev-1", "userId": "u1", "timestamp": day(40)},
        {"type": "page", "messageId": "p-old", "anonymousId": "dev-1", "name": "Home", "timestamp": day(40)},
        {"type": "page", "messageId": "p-new", "anonymousId": "dev-1", "name": "Home", "timestamp": day(2)},
        {"type": "track", "messageId": "t-new", "userId": "u1", "event": "E", "timestamp": day(2)},
    ]
    cli("ingest", write_jsonl(tmp_path / "r.jsonl", lines), "--source", "web", "-w", ws)
    result = cli("retention", "run", "-w", ws)
    assert result.exit_code == 0 and "2 event(s) in 1 day(s)" in result.output, result.output
    assert sorted(lake_ids(ws)) == ["p-new", "t-new"]
    assert total(ws, "people") == 1  # dev-1's new page still belongs to u1: the identify outlived its event
    assert total(ws, "calls") == 2


def test_retention_needs_a_setting(ws: Path) -> None:
    result = cli("retention", "run", "-w", ws)
    assert result.exit_code == 1 and "raw_retention_days" in result.output


def test_retention_waits_for_a_compaction_pass_in_progress(tmp_path: Path) -> None:
    """A live server's compactor may be merging an old day: retention must not delete it under the merge."""
    import threading

    from headway.ingest.compactor import Compactor
    from headway.ingest.retention import run_retention
    from headway.spec import load_workspace

    ws = make_workspace(tmp_path / "ws")
    old = {"type": "track", "messageId": "t-old", "userId": "u1", "event": "E", "timestamp": day(40)}
    cli("ingest", write_jsonl(tmp_path / "r.jsonl", [old]), "--source", "web", "-w", ws)
    settings = load_workspace(ws).config.ingest
    holder, runner = Compactor(ws, settings), Compactor(ws, settings)
    done: list[Any] = []
    try:
        with holder.exclusive():  # what a compaction pass holds
            thread = threading.Thread(target=lambda: done.append(run_retention(ws, runner, 30)))
            thread.start()
            thread.join(timeout=1.0)
            assert thread.is_alive() and lake_ids(ws) == ["t-old"]  # waiting, nothing removed yet
        thread.join(timeout=30)
        assert done and done[0].events == 1 and lake_ids(ws) == []
    finally:
        holder.close()
        runner.close()


def test_a_source_name_is_text_not_markup(ws: Path, tmp_path: Path) -> None:
    """Source names are free text from the user: `[red]web` is printed as written, in every table."""
    path = write_jsonl(tmp_path / "m.jsonl", SEGMENT_LINES)
    assert "source '[red]web'" in cli("ingest", path, "--source", "[red]web", "-w", ws).output
    assert "[red]web" in cli("quality", "-w", ws).output
    assert "for source '[red]web'" in cli("keys", "create", "--source", "[red]web", "-w", ws).output
    assert "[red]web" in cli("keys", "list", "-w", ws).output
    assert "of source '[red]web'" in cli("keys", "revoke", "1", "-w", ws).output
