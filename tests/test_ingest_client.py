"""End to end: the official `segment-analytics-python` client against a real `headway serve`,
then `headway query` (a separate process) counts what was sent. Expected counts are the calls
written below, counted by hand."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fixtures.ingest import ServerProcess, by, create_key, lake_ids, make_workspace, total, wait_until
from segment.analytics import Client

# what the test sends (with non-ASCII names and properties)
TRACKS = [
    ("anon-1", None, "Café ouvert", {"feature": "rapports", "n": 1}),
    ("anon-1", None, "Feature Used", {"feature": "reports", "n": 2}),
    (None, "u-1", "Feature Used", {"feature": "reports", "n": 3}),
    (None, "u-1", "Feature Used", {"feature": "déjà vu", "n": 4}),
    (None, "u-2", "Feature Used", {"feature": "reports", "n": 5}),
]


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, ServerProcess]:
    monkeypatch.setenv("TZ", "America/Los_Angeles")  # the server and `headway query` run on a non-UTC machine
    ws = make_workspace(tmp_path / "ws")
    key = create_key(ws)
    server = ServerProcess(ws, tmp_path / "server.log").start()
    yield ws, key, server
    server.__exit__()


def send_everything(key: str, host: str) -> None:
    client = Client(key, host=host, gzip=True, max_retries=3, upload_size=4, sync_mode=False)
    for anonymous, user, event, properties in TRACKS:
        client.track(
            user_id=user,
            anonymous_id=anonymous,
            event=event,
            properties=properties,
            context={"device": {"type": "mobile"}, "os": {"name": "iOS"}, "locale": "fr-FR"},
        )
    client.identify(user_id="u-1", anonymous_id="anon-1", traits={"plan": "pro"})
    client.page(user_id="u-1", name="Accueil", properties={"path": "/"})
    client.page(anonymous_id="anon-3", name="Pricing")
    client.screen(user_id="u-2", name="Home")
    client.group(user_id="u-1", group_id="acct-1", traits={"name": "Acme"})
    client.alias(previous_id="anon-3", user_id="u-3")
    client.flush()
    client.join()


def test_official_client_events_count_in_headway_query(served: tuple[Path, str, ServerProcess]) -> None:
    ws, key, server = served
    send_everything(key, server.url)
    acknowledged = time.monotonic()  # flush() returns once every batch got its 200
    # visible: in the lake every query reads (checked with PyArrow, without a query process's start-up)
    assert wait_until(lambda: len(lake_ids(ws)) == 11, timeout=5, every=0.02)
    assert time.monotonic() - acknowledged < 5
    assert total(ws, "calls") == 11

    assert by(ws, "calls", "type") == {"track": 5, "identify": 1, "page": 2, "screen": 1, "group": 1, "alias": 1}
    assert by(ws, "tracks", "event") == {"Café ouvert": 1, "Feature Used": 4}
    assert by(ws, "tracks", "properties.feature") == {"rapports": 1, "reports": 3, "déjà vu": 1}
    assert by(ws, "tracks", "context.device_type") == {"mobile": 5}
    # people: anon-1 identified as u-1; anon-3 aliased to u-3; u-2 alone -> u-1, u-2, u-3
    assert total(ws, "people") == 3
    # user_id as sent: u-1, u-2, u-3 (the alias call carries userId u-3)
    assert total(ws, "users") == 3


def test_a_resent_batch_is_counted_once(served: tuple[Path, str, ServerProcess]) -> None:
    import httpx

    ws, key, server = served
    batch = {
        "batch": [
            {"type": "track", "messageId": f"m-{i}", "userId": "u", "event": "E", "timestamp": "2026-11-02T10:00:00Z"}
            for i in range(10)
        ],
        "sentAt": "2026-11-02T10:00:00Z",
    }
    for _ in range(3):  # a client retrying after a timeout sends the same message ids again
        response = httpx.post(f"{server.url}/v1/batch", json=batch, auth=(key, ""))
        assert response.status_code == 200, response.text
    assert wait_until(lambda: len(lake_ids(ws)) == 10, timeout=5, every=0.02)
    time.sleep(0.5)
    assert len(lake_ids(ws)) == 10 and total(ws, "tracks") == 10


def test_quality_endpoint_counts_what_was_sent(served: tuple[Path, str, ServerProcess]) -> None:
    import httpx

    _, key, server = served
    send_everything(key, server.url)
    send_everything(key, server.url)  # the client makes new message ids: 22 accepted
    bad = httpx.post(f"{server.url}/v1/track", json={"type": "track", "event": "x"}, auth=(key, ""))
    assert bad.status_code == 400

    def rows() -> list[dict[str, object]]:
        found: list[dict[str, object]] = httpx.get(f"{server.url}/api/v1/quality").json()["rows"]
        return found

    assert wait_until(lambda: sum(int(r["accepted"]) for r in rows()) == 22, timeout=5)  # type: ignore[call-overload]
    assert wait_until(lambda: any(r["quarantined"] == {"missing_id": 1} for r in rows()), timeout=5)
    assert all(r["source"] in ("web", "(no valid write key)") for r in rows())
    assert sum(int(r["duplicates"]) for r in rows()) == 0  # type: ignore[call-overload]
