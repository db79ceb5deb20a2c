"""A workspace that has received no event yet: its event metrics answer "no data" (not "no files
match", not a 500 on the API), `headway validate` has nothing to warn about, and the first events
then count as usual, with the empty placeholder changing no number."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pyarrow.parquet as pq
from fixtures import Server
from fixtures.ingest import create_key, make_workspace, total, wait_until
from typer.testing import CliRunner

from headway.cli.main import app
from headway.ingest.empty_lake import ensure_empty_lake
from headway.serve import create_app
from headway.spec.layout import EMPTY_EVENTS_FILE, PEOPLE_FILE

DAY = "2026-11-02"


def cli(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_a_fresh_workspace_answers_no_data_then_counts_its_first_events(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    code, output = cli("validate", "-w", ws)
    assert code == 0 and "warning" not in output, output
    code, output = cli("query", "people", "--from", DAY, "--to", DAY, "--format", "json", "-w", ws)
    assert code == 0, output
    assert [(r["value"], r["n"], r["reason"]) for r in json.loads(output)["rows"]] == [(None, 0, "no_data")]
    code, output = cli("query", "calls", "-w", ws)  # no default range without rows: said so, exit 1
    assert code == 1 and "hold no rows" in output and "--from" in output

    key = create_key(ws)
    with Server(create_app(ws, warm=False)) as server:
        response = httpx.get(f"{server.url}/api/v1/query", params={"metric": "people", "from": DAY, "to": DAY})
        assert response.status_code == 200 and response.json()["results"][0]["rows"][0]["reason"] == "no_data"
        batch = {
            "batch": [
                {"type": "page", "anonymousId": "a-1", "name": "Home", "timestamp": f"{DAY}T08:00:00Z"},
                {"type": "identify", "anonymousId": "a-1", "userId": "u-1", "timestamp": f"{DAY}T09:00:00Z"},
                {"type": "track", "userId": "u-2", "event": "E", "timestamp": f"{DAY}T10:00:00Z"},
            ]
        }
        assert httpx.post(f"{server.url}/v1/batch", json=batch, auth=(key, "")).status_code == 200
        assert wait_until(lambda: total(ws, "calls", "--from", DAY, "--to", DAY) == 3)
    assert total(ws, "people", "--from", DAY, "--to", DAY) == 2  # a-1 is u-1; u-2
    assert pq.read_metadata(ws / EMPTY_EVENTS_FILE).num_rows == 0  # still there, still empty


def test_the_empty_mapping_never_replaces_a_real_one(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / PEOPLE_FILE).parent.mkdir(parents=True)
    pq.write_table(pq.read_table(_mapping(tmp_path)), ws / PEOPLE_FILE)
    assert ensure_empty_lake(ws) is True  # the events placeholder was missing
    assert pq.read_table(ws / PEOPLE_FILE).num_rows == 1 and ensure_empty_lake(ws) is False
    assert [p.name for p in (ws / PEOPLE_FILE).parent.iterdir()] == ["people.parquet"]  # no temporary left


def _mapping(tmp_path: Path) -> Path:
    import pyarrow as pa

    path = tmp_path / "mapping.parquet"
    pq.write_table(pa.table({"person_key": ["user:u-1"], "person_id": ["u-1"]}), path)
    return path
