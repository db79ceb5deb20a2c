"""Issue 10, server items, on a real uvicorn: hosts, headers, HEAD, request limits, ISO dates, error
bodies without server paths or SQL (the details logged under an id), a state database that cannot
be written, and --where type mistakes answered 400 while the rest of the server stays up.
"""

from __future__ import annotations

import logging
import re
import shutil
import socket
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fixtures import EXPECTED, MONTHS, Server, build_workspace, free_port, wait_for_port
from sqlalchemy import event

from headway.serve import create_app
from headway.serve.security import CONTENT_SECURITY_POLICY, json_http_protocol
from headway.spec.expressions import MAX_DEPTH
from headway.store import StateStore

ERROR_KEYS = {"ok", "status", "error", "hint", "code", "errors"}
HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_workspace(tmp_path_factory.mktemp("posture") / "tiny")


@pytest.fixture(scope="module")
def server(ws: Path) -> Iterator[Server]:
    with Server(create_app(ws, warm=False, allowed_hosts=["metrics.example.com", "*.corp.example"])) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield http


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS and body["status"] == status and body["code"] == code, body
    return body


def still_up(client: httpx.Client) -> None:
    """Nothing else broke: the page, health and a metric still answer with the hand-worked values."""
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/health").json()["ok"] is True
    rows = client.get("/api/v1/metrics/new_mrr/query", params={"grain": "month"}).json()["rows"]
    assert [r["value"] for r in rows] == list(EXPECTED["new_mrr"]["values"])


# -- 11. web posture --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.nip.io", "metrics.example.com.evil.example", ""])
def test_untrusted_host_is_refused_in_the_error_shape(client: httpx.Client, host: str) -> None:
    body = error_of(client.get("/api/v1/health", headers={"Host": host}), 400, "untrusted_host")
    assert "--allowed-host" in body["hint"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost:8000", "[::1]:8000", "metrics.example.com", "a.corp.example"])
def test_trusted_hosts_are_answered(client: httpx.Client, host: str) -> None:
    assert client.get("/api/v1/health", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("path", ["/", "/api/v1/health", "/api/v1/metrics/nope", "/static/style.css", "/openapi.json"])
def test_security_headers_on_every_answer(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (path, name)


@pytest.mark.parametrize("path", ["/", "/api/v1/health", "/api/v1/metrics/mrr", "/static/style.css"])
def test_head_is_served_wherever_get_is(client: httpx.Client, path: str) -> None:
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["x-frame-options"] == "DENY"


def test_long_request_target_is_refused_in_the_error_shape(server: Server, client: httpx.Client) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:  # httpx refuses to send it
        target = b"/api/v1/health?x=" + b"a" * 66_000  # just over the 64 KiB limit, well under the HTTP parser's own
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        head, _, payload = _read_all(sock).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414 ")
    body = httpx.Response(414, content=payload).json()
    assert set(body) == ERROR_KEYS and body["code"] == "uri_too_long" and "limit is 65536" in body["error"]
    still_up(client)


def test_unparseable_request_line_is_answered_in_json_by_the_cli_protocol(ws: Path) -> None:
    """Requests uvicorn cannot parse never reach the app; `headway serve` runs uvicorn with a protocol
    that answers them in the JSON error shape too."""
    port = free_port()
    config = uvicorn.Config(create_app(ws, warm=False), host="127.0.0.1", port=port, http=json_http_protocol(),
                            log_level="warning", ws="none")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_for_port(port)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"GET /api/v1/health?x=" + b"a" * 1_000_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            answer = _read_all(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ") and b"content-type: application/json" in head.lower()
    body = httpx.Response(400, content=payload).json()
    assert set(body) == ERROR_KEYS and body["code"] == "bad_http_request"


def _read_all(sock: socket.socket) -> bytes:
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except ConnectionResetError:  # the server closes after answering, while our upload is still in flight
        pass
    return data


# -- 12. dates are ISO dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "86400", "1767225600", "2026-1-5", "2026-02-30", "yesterday"])
def test_dates_must_be_iso(client: httpx.Client, value: str) -> None:
    response = client.get("/api/v1/metrics/new_mrr/query", params={"from": value})
    body = error_of(response, 422, "invalid_request")
    assert body["error"].startswith("from: ")


def test_iso_date_still_selects_periods(client: httpx.Client) -> None:
    rows = client.get("/api/v1/metrics/new_mrr/query", params={"grain": "month", "from": "2026-02-01"}).json()["rows"]
    assert [(r["period"], r["value"]) for r in rows] == [(MONTHS[1], 170), (MONTHS[2], 565)]


# -- 2. type mistakes in where: 400 naming the operand and the type; nothing else breaks -------------------------

WHERE = {
    "source": "'source' is a string, not a condition",
    "not source": "'not' needs a boolean, but 'source' is a string",
    "-source > 0": "'-' needs a number, but 'source' is a string",
    "source like 1": "'like' needs a string, but '1' is an integer",
    "coalesce(source,1)=1": "compares text column 'source' with 1",
    "upper(length(source))='X'": "upper() needs a string, but 'LENGTH(source)' is an integer",
    "cast(source as integer)=1": "'CAST(source AS INT)' can fail on the data: 'source' is text, not an integer",
    "length(source) % 0 = 1": "'LENGTH(source) % 0' divides by the number 0",
    "abs(-9223372036854775808)>0": "the number 9223372036854775808 is beyond the 64-bit integer range",
    "properties = 1": "compares struct column 'properties' with 1",
}


@pytest.fixture(scope="module")
def source_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The tiny workspace with events' `name` column called `source`, as in the issue's reproductions."""
    root = build_workspace(tmp_path_factory.mktemp("where") / "tiny")
    for spec, old, new in (
        (root / "sources" / "product.yml", "      name: {type: string}", "      source: {type: string}"),
        (root / "metrics" / "product.yml", "dimensions: [name,", "dimensions: [source,"),
    ):
        text = spec.read_text(encoding="utf-8")
        assert old in text
        spec.write_text(text.replace(old, new), encoding="utf-8")
    import pyarrow.parquet as pq

    table = pq.read_table(root / "data" / "events.parquet")
    pq.write_table(table.rename_columns(["source" if c == "name" else c for c in table.column_names]),
                   root / "data" / "events.parquet")  # fmt: skip
    with Server(create_app(root, warm=False)) as running:
        yield running


@pytest.mark.parametrize("where", list(WHERE))
def test_where_type_mistake_is_400_naming_operand_and_type(source_ws: Server, where: str) -> None:
    with httpx.Client(base_url=source_ws.url, timeout=30) as http:
        body = error_of(http.get("/api/v1/metrics/active_users/query", params={"where": where}), 400, "bad_where")
        assert body["error"] == f"where: {WHERE[where]}"  # the API speaks of its where parameter
        assert http.get("/").status_code == 200
        rows = http.get("/api/v1/metrics/active_users/query", params={"grain": "month"}).json()["rows"]
        assert [r["value"] for r in rows] == [3, 4, 2]


def test_where_at_the_documented_depth_runs_and_one_more_is_refused(client: httpx.Client) -> None:
    ok = "(" * MAX_DEPTH + "plan = 'pro'" + ")" * MAX_DEPTH
    rows = client.get("/api/v1/metrics/signups/query", params={"grain": "month", "where": ok}).json()["rows"]
    assert [r["value"] for r in rows] == [2, 1, 2]  # plan pro: #1 #3 in Jan, #7 in Feb, #9 #10 in Mar
    deeper = "(" * (MAX_DEPTH + 1) + "plan = 'pro'" + ")" * (MAX_DEPTH + 1)
    body = error_of(client.get("/api/v1/metrics/signups/query", params={"where": deeper}), 400, "bad_where")
    assert f"the limit is {MAX_DEPTH}" in body["error"]


# -- 9. no server paths or SQL in error bodies; the details are logged under the id the body quotes -----------------


def test_data_error_body_names_source_and_relative_file_and_logs_details(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = build_workspace(tmp_path / "tiny")
    (root / "data" / "accounts.csv").write_bytes(b'account_id,segment,country\n\x00\xff\xfe,"unclosed\n')
    with Server(create_app(root, warm=False)) as running, httpx.Client(base_url=running.url, timeout=30) as http:
        with caplog.at_level(logging.ERROR, logger="headway.serve"):
            response = http.get("/api/v1/metrics/signups/query", params={"by": "account.segment"})
        assert response.status_code == 500, response.text
        body = response.json()
        assert set(body) == ERROR_KEYS and body["code"] == "data_error"
        assert str(tmp_path) not in response.text and "/tmp" not in response.text
        assert "SELECT" not in response.text.upper().replace("SELECTED", "")
        error_id = response.headers["x-headway-error-id"]
        assert re.fullmatch(r"[0-9a-f]{12}", error_id) and f"error id {error_id}" in body["hint"]
        logged = [r.getMessage() for r in caplog.records if error_id in r.getMessage()]
        assert len(logged) == 1 and "data_error" in logged[0]
        assert http.get("/api/v1/metrics/new_mrr/query", params={"grain": "month"}).status_code == 200


def test_symlink_out_of_the_workspace_after_start_is_a_data_error_naming_the_relative_file(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "tiny")
    secret = tmp_path / "secret.csv"
    secret.write_text("account_id,segment,country\na1,sk_live_123,US\n", encoding="utf-8")
    with Server(create_app(root, warm=False)) as running, httpx.Client(base_url=running.url, timeout=30) as http:
        (root / "data" / "accounts.csv").unlink()
        (root / "data" / "accounts.csv").symlink_to(secret)
        response = http.get("/api/v1/metrics/signups/query", params={"by": "account.segment"})
        body = error_of(response, 500, "data_error")
        assert body["error"].startswith(
            "source 'accounts': 'data/accounts.csv' resolves outside the workspace; list its folder under `data_roots:`"
        )
        assert "sk_live" not in response.text and str(tmp_path) not in response.text


# -- 8. a state database that cannot be written: one warning line per lost write, the answers unharmed -------------


def test_full_disk_costs_one_warning_line_per_lost_log_write(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = build_workspace(tmp_path / "tiny")
    store = StateStore.open(f"sqlite:///{tmp_path / 'state.db'}")

    def disk_full(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            raise sqlite3.OperationalError("database or disk is full")

    event.listen(store.engine, "before_cursor_execute", disk_full)
    with (
        caplog.at_level(logging.WARNING, logger="headway.serve"),
        Server(create_app(root, warm=False, state=store)) as running,
        httpx.Client(base_url=running.url, timeout=30) as http,
    ):
        for grain in ("month", "week", "day"):
            assert http.get("/api/v1/metrics/signups/query", params={"grain": grain}).status_code == 200
    lost = [r for r in caplog.records if "could not log a query" in r.getMessage()]
    assert [r.getMessage() for r in lost] == [
        "could not log a query of signups to the state database: OperationalError: database or disk is full"
    ] * 3
    assert all(r.exc_info is None for r in caplog.records)  # no traceback
    spec = [r.getMessage() for r in caplog.records if "spec version" in r.getMessage()]
    assert spec == ["could not record the spec version in the state database: "
                    "OperationalError: database or disk is full"]  # fmt: skip


def test_unwritable_state_folder_serves_read_only_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HEADWAY_STATE_URL", raising=False)
    root = build_workspace(tmp_path / "tiny")
    shutil.rmtree(root / ".headway", ignore_errors=True)
    (root / ".headway").write_text("not a folder", encoding="utf-8")  # root ignores permissions; this it cannot use
    with (
        caplog.at_level(logging.WARNING, logger="headway.serve"),
        Server(create_app(root, warm=False)) as running,
        httpx.Client(base_url=running.url) as http,
    ):
        assert http.get("/").status_code == 200
        assert http.get("/api/v1/metrics/signups/query", params={"grain": "month"}).status_code == 200
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and warnings[0].startswith("warning: cannot create the state folder ")
    assert "serving read-only, without a query log" in warnings[0]


def test_overview_reason_names_source_and_relative_file_not_the_server_path(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "tiny")
    (root / "data" / "events.parquet").write_bytes(b"garbage")
    with Server(create_app(root, warm=False)) as running, httpx.Client(base_url=running.url, timeout=60) as http:
        overview = http.get("/api/v1/overview")
        page = http.get("/")
    assert overview.status_code == 200 and page.status_code == 200
    metrics = {m["id"]: m for m in overview.json()["metrics"]}
    for metric in ("active_users", "active_users_7d", "avg_duration"):
        assert metrics[metric]["reason"] == "data_error"
        assert metrics[metric]["detail"].startswith("source 'events': cannot read its files"), metrics
        assert "'data/events.parquet'" in metrics[metric]["detail"]
    assert metrics["new_mrr"]["reason"] is None  # the other source's metrics are untouched
    assert str(tmp_path) not in overview.text and str(tmp_path) not in page.text
    assert "LINE 1" not in overview.text and "READ_PARQUET" not in overview.text.upper()
