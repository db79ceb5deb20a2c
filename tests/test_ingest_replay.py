"""Replaying what the tracking API refused: a single call keeps its endpoint's type through the
quarantine, and a body sent with a bad write key waits for `--source` instead of being recorded
under no source. Each case goes through the real server and the real CLI."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures import Server
from fixtures.ingest import by, create_key, make_workspace, quarantined, total, wait_until
from typer.testing import CliRunner

from headway.cli.main import app
from headway.serve import create_app

SOON = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=30)).isoformat()  # past the default 24 h future limit


def cli(*args: Any) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[Path, str, str]]:
    ws = make_workspace(tmp_path / "ws")
    key = create_key(ws)
    with Server(create_app(ws, warm=False)) as server:
        yield ws, key, server.url


def post(url: str, path: str, body: dict[str, Any], key: str | None) -> httpx.Response:
    auth = (key, "") if key else None
    return httpx.post(url + path, content=json.dumps(body).encode(), auth=auth, timeout=30)


def test_a_refused_single_call_replays_as_its_endpoint_type(api: tuple[Path, str, str]) -> None:
    ws, key, url = api
    # /v1/track bodies need no "type": the endpoint is the type
    assert post(url, "/v1/track", {"userId": "u1"}, key).json()["code"] == "missing_event"
    assert post(url, "/v1/track", {"userId": "u2", "event": "Later", "timestamp": SOON}, key).status_code == 400
    assert wait_until(lambda: len(quarantined(ws)) == 2)
    shown = json.loads(cli("quarantine", "show", "2", "-w", ws).output)
    assert shown["kind"] == "track" and json.loads(shown["raw"])["userId"] == "u2"

    replayed = cli("quarantine", "replay", "-w", ws)
    # refused again for the same reasons (not unknown_type), and kept once each
    assert "quarantined again: future_timestamp: 1, missing_event: 1" in replayed.output, replayed.output
    assert [reason for reason, _ in quarantined(ws)] == ["missing_event", "future_timestamp"]

    config = (ws / "headway.yml").read_text(encoding="utf-8")
    tolerant = config.replace('"visible_within_s"', '"future_limit_hours": 48, "visible_within_s"')
    (ws / "headway.yml").write_text(tolerant, encoding="utf-8")
    replayed = cli("quarantine", "replay", "2", "-w", ws)
    assert "1 event(s) accepted" in replayed.output, replayed.output
    assert by(ws, "tracks", "event", "--from", SOON[:10], "--to", SOON[:10]) == {"Later": 1}  # counted as a track


def test_a_bad_key_body_waits_for_a_source(api: tuple[Path, str, str]) -> None:
    ws, _, url = api
    assert post(url, "/v1/track", {"userId": "u3", "event": "Signed Up"}, "not-a-key").status_code == 401
    assert wait_until(lambda: len(quarantined(ws)) == 1)

    replayed = cli("quarantine", "replay", "-w", ws)
    assert replayed.exit_code == 0 and "replayed 0 entries: 0 event(s) accepted" in replayed.output, replayed.output
    assert "left waiting: 1 body sent with a bad write key (1)" in replayed.output and "--source" in replayed.output
    assert "waiting for replay: bad_write_key: 1" in cli("quarantine", "list", "-w", ws).output

    replayed = cli("quarantine", "replay", "--source", "web", "-w", ws)
    assert "1 event(s) accepted" in replayed.output, replayed.output
    assert by(ws, "tracks", "source") == {"web": 1} and total(ws, "users") == 1
    assert "waiting for replay: nothing" in cli("quarantine", "list", "-w", ws).output
