"""Bad input on the tracking API: each case gets its status and a message naming the problem,
its payload lands in quarantine (or the duplicate counter), and nothing gets a 500."""

from __future__ import annotations

import base64
import gzip
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fixtures import Server
from fixtures.ingest import by, create_key, ingest_db, make_workspace, quarantined, wait_until

from headway.serve import create_app

GOOD = {"type": "track", "userId": "u-1", "event": "Clicked"}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, str]]:
    ws = make_workspace(tmp_path_factory.mktemp("bad") / "ws")
    key = create_key(ws)
    with Server(create_app(ws, warm=False)) as server:
        yield ws, key, server.url


def post(url: str, path: str, body: Any, key: str | None, **kwargs: Any) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
    auth = (key, "") if key else None
    return httpx.post(url + path, content=content, headers=headers, auth=auth, timeout=30, **kwargs)


def batch(*events: dict[str, Any]) -> dict[str, Any]:
    return {"batch": list(events)}


BIG = {"type": "track", "userId": "u", "event": "Big", "properties": {"blob": "x" * 33_000}}
CASES = [
    ("malformed JSON", "/v1/batch", b'{"batch": [', 400, "invalid_json", "not JSON"),
    ("not an object", "/v1/track", [1, 2], 400, "not_an_object", "JSON object"),
    ("userId of a wrong type", "/v1/track", {**GOOD, "userId": {"id": 1}}, 400, "wrong_type", "userId"),
    ("no userId nor anonymousId", "/v1/track", {"type": "track", "event": "E"}, 400, "missing_id", "anonymousId"),
    ("track without an event", "/v1/track", {"userId": "u"}, 400, "missing_event", "event"),
    ("alias without previousId", "/v1/alias", {"userId": "u"}, 400, "missing_id", "previousId"),
    ("unknown call type", "/v1/batch", batch({**GOOD, "type": "purchase"}), 400, "unknown_type", "purchase"),
    ("event over 32 KB", "/v1/batch", batch(BIG), 400, "too_large", "32 KB"),
    ("batch over 2,500 events", "/v1/batch", batch(*[GOOD] * 2501), 400, "too_many_events", "2500"),
    ("bad timestamp", "/v1/track", {**GOOD, "timestamp": "yesterday"}, 400, "bad_timestamp", "ISO 8601"),
    ("future timestamp", "/v1/track", {**GOOD, "timestamp": "2099-01-01T00:00:00Z"}, 400, "future_timestamp", "future"),
    ("invalid UTF-8", "/v1/track", b'{"userId": "\xff\xfe", "event": "E"}', 400, "invalid_utf8", "UTF-8"),
    ("lone surrogate", "/v1/track", b'{"userId": "u", "event": "\\ud800"}', 400, "invalid_utf8", "surrogate"),
]


@pytest.mark.parametrize(("path", "body", "status", "code", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_refused_by_name_and_quarantined(
    api: tuple[Path, str, str], path: str, body: Any, status: int, code: str, words: str
) -> None:
    ws, key, url = api
    before = len(quarantined(ws))
    response = post(url, path, body, key)
    assert response.status_code == status, response.text
    error = response.json()
    assert error["ok"] is False and error["code"] == code and words in error["error"], error
    assert wait_until(lambda: len(quarantined(ws)) > before, timeout=5), "not quarantined"
    assert quarantined(ws)[-1][0] == code


def test_oversized_batch_is_refused_before_reading_it(api: tuple[Path, str, str]) -> None:
    ws, key, url = api
    response = post(url, "/v1/batch", batch(*[{**GOOD, "properties": {"p": "y" * 400}}] * 1400), key)
    assert response.status_code == 400 and "500 KB" in response.json()["error"]
    assert wait_until(lambda: quarantined(ws)[-1][0] == "too_large" if quarantined(ws) else False, timeout=5)


def test_gzip_bomb_is_refused(api: tuple[Path, str, str]) -> None:
    _, key, url = api
    bomb = gzip.compress(b'{"batch": [' + b" " * 50_000_000 + b"]}")
    assert len(bomb) < 100_000
    response = post(url, "/v1/batch", bomb, key, headers={"Content-Encoding": "gzip"})
    assert response.status_code == 400
    assert response.json()["code"] == "too_large" and "inflates" in response.json()["error"]


def test_gzip_body_is_accepted(api: tuple[Path, str, str]) -> None:
    _, key, url = api
    body = gzip.compress(json.dumps(batch({**GOOD, "messageId": "gz-1"})).encode())
    response = post(url, "/v1/batch", body, key, headers={"Content-Encoding": "gzip"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("key", ["wrong-key", ""], ids=["unknown key", "no key"])
def test_a_bad_write_key_gets_401_and_is_quarantined(api: tuple[Path, str, str], key: str) -> None:
    ws, _, url = api
    before = len(quarantined(ws))
    response = post(url, "/v1/track", {**GOOD, "messageId": f"key-{key}"}, key or None)
    assert response.status_code == 401 and response.json()["code"] == "bad_write_key"
    assert wait_until(lambda: len(quarantined(ws)) > before, timeout=5)


def test_write_key_in_the_body_is_accepted(api: tuple[Path, str, str]) -> None:
    _, key, url = api
    response = post(url, "/v1/track", {**GOOD, "messageId": "body-key", "writeKey": key}, None)
    assert response.status_code == 200, response.text


def test_a_revoked_key_stops_working(api: tuple[Path, str, str]) -> None:
    import subprocess

    from fixtures.ingest import HEADWAY

    ws, _, url = api
    key = create_key(ws, "ios")
    assert post(url, "/v1/track", GOOD, key).status_code == 200
    listed = subprocess.run([str(HEADWAY), "keys", "list", "-w", str(ws)], capture_output=True, text=True, check=True)
    assert "ios" in listed.stdout and key[:10] in listed.stdout and key not in listed.stdout  # only a prefix
    key_id = max(int(line.split()[1]) for line in listed.stdout.splitlines() if "ios" in line)
    subprocess.run([str(HEADWAY), "keys", "revoke", str(key_id), "-w", str(ws)], check=True, capture_output=True)
    assert wait_until(lambda: post(url, "/v1/track", GOOD, key).status_code == 401, timeout=5)


def test_valid_events_of_a_mixed_batch_are_kept(api: tuple[Path, str, str]) -> None:
    ws, key, url = api
    body = batch({**GOOD, "messageId": "mixed-ok", "event": "Mixed"}, {"type": "track", "event": "no ids"})
    response = post(url, "/v1/batch", body, key)
    assert response.status_code == 400
    assert "1 accepted" in response.json()["hint"] and response.json()["errors"][0]["index"] == 1
    assert wait_until(lambda: by(ws, "tracks", "event").get("Mixed") == 1, timeout=5)


def test_duplicates_are_dropped_and_counted(api: tuple[Path, str, str]) -> None:
    ws, key, url = api
    event = {**GOOD, "messageId": "dup-1", "event": "Dup", "timestamp": "2026-11-01T00:00:00Z"}

    def duplicates() -> float:
        with ingest_db(ws) as con:
            return con.execute("SELECT coalesce(sum(value), 0) FROM stats WHERE metric = 'duplicates'").fetchone()[0]

    before = duplicates()  # the module's server is shared: other tests' duplicates are counted too
    for _ in range(3):
        assert post(url, "/v1/track", event, key).status_code == 200
    assert wait_until(lambda: duplicates() - before >= 2, timeout=5)
    time.sleep(0.3)
    assert duplicates() - before == 2
    assert by(ws, "tracks", "event")["Dup"] == 1


def test_quarantine_keeps_the_raw_payload(api: tuple[Path, str, str]) -> None:
    ws, key, url = api
    body = b'{"userId": "\xff", "event": "raw payload"}'
    post(url, "/v1/track", body, key)

    def kept() -> bool:
        with ingest_db(ws) as con:
            rows = con.execute("SELECT raw, raw_encoding FROM quarantine WHERE reason = 'invalid_utf8'").fetchall()
        return any(enc == "base64" and base64.b64decode(raw) == body for raw, enc in rows)

    assert wait_until(kept, timeout=5)


def test_overload_answers_429_with_retry_after(tmp_path: Path) -> None:
    from headway.ingest.ingestor import MAX_IN_FLIGHT

    ws = make_workspace(tmp_path / "ws")
    key = create_key(ws)
    app = create_app(ws, warm=False)
    with Server(app) as server:
        app.state.ingestor.in_flight = MAX_IN_FLIGHT  # as if that many requests were waiting for the disk
        response = post(server.url, "/v1/track", GOOD, key)
        assert response.status_code == 429 and response.headers["Retry-After"] == "1"
        assert response.json()["code"] == "overloaded"
        app.state.ingestor.in_flight = 0
        assert post(server.url, "/v1/track", GOOD, key).status_code == 200


def test_the_same_refused_payload_is_kept_once(api: tuple[Path, str, str]) -> None:
    ws, key, url = api
    body = {"type": "track", "event": "retried without ids", "messageId": "same-refused"}
    for _ in range(3):  # a client retrying a refused call
        assert post(url, "/v1/track", body, key).status_code == 400
    time.sleep(1.0)
    with ingest_db(ws) as con:
        rows = con.execute("SELECT count(*) FROM quarantine WHERE raw LIKE '%same-refused%'").fetchone()[0]
    assert rows == 1
