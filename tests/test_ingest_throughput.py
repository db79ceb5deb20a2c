"""The mechanisms behind ingestion throughput, each checked for the durability it must keep:

- group commit: concurrent writers share fsyncs, and each is released only once its own bytes are
  on disk; a failed fsync never becomes a 200;
- the compactor as a child process: SIGKILL it mid-pass, repeatedly, while clients send (some of
  them the same ids at once): every acknowledged id is in the lake exactly once;
- size-tiered merging: large files are kept as they are (same inode), small ones merged.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fixtures import Server
from fixtures.ingest import ServerProcess, create_key, ingest_db, lake_ids, make_workspace, wait_until

from headway.ingest.lake import SCHEMA, Lake, size_tier
from headway.ingest.log import EventLog
from headway.serve import create_app


def test_group_commit_releases_each_writer_only_after_its_own_bytes_are_fsynced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    numbers = iter(range(1, 100))
    log = EventLog(tmp_path / "log", lambda: next(numbers))
    synced: list[int] = []  # the file size at each fsync: everything below it is durable
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        time.sleep(0.01)  # a disk: writers pile up meanwhile
        real_fsync(fd)
        synced.append(os.fstat(fd).st_size)

    monkeypatch.setattr("headway.ingest.log.os.fsync", slow_fsync)
    released: dict[bytes, int] = {}  # payload -> durable size when its writer was released
    lock = threading.Lock()

    def writer(n: int) -> None:
        for i in range(10):
            payload = f"writer {n:02d} line {i:02d} ünïcode\n".encode()
            log.submit(payload).result(timeout=30)
            with lock:
                released[payload] = synced[-1] if synced else 0

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    log.close()
    data = next((tmp_path / "log").glob("seg-*.log")).read_bytes()
    assert len(released) == 160 and data.count(b"\n") == 160
    for payload, durable in released.items():
        end = data.index(payload) + len(payload)
        assert end <= durable, f"{payload!r} was released before its bytes were fsync'd"
    assert len(synced) < 160 / 2, f"{len(synced)} fsyncs for 160 writes: no grouping"


def test_a_failed_fsync_is_never_acknowledged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = make_workspace(tmp_path / "ws")
    key = create_key(ws)
    app = create_app(ws, warm=False)
    event = {"type": "track", "userId": "u", "event": "E", "messageId": "not-durable"}
    with Server(app) as server:
        log: EventLog = app.state.ingestor.log

        def append_then_fail(data: bytes) -> None:  # the bytes reach the file, the fsync fails
            log._handle.write(data)
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(log, "write", append_then_fail)
        response = httpx.post(f"{server.url}/v1/track", json=event, auth=(key, ""), timeout=30)
        assert response.status_code == 500, response.text
        assert set(response.json()) >= {"error", "code"}
        monkeypatch.undo()
        again = httpx.post(f"{server.url}/v1/track", json=event, auth=(key, ""), timeout=30)
        assert again.status_code == 200 and again.json() == {"success": True, "accepted": 1}
    # the retried copy and the unacknowledged one that landed are one event
    assert Counter(lake_ids(ws)) == {"not-durable": 1}


def _compactor_children(pid: int) -> list[int]:
    children: list[int] = []
    for path in Path(f"/proc/{pid}/task").glob("*/children"):
        children += [int(c) for c in path.read_text().split()]
    return children


def test_killing_the_compactor_child_loses_nothing_and_duplicates_nothing(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", {"visible_within_s": 0.1, "merge_files": 3})
    key = create_key(ws)
    acked: list[str] = []
    sent: set[str] = set()
    stop = threading.Event()

    def client(name: str) -> None:
        number = 0
        with httpx.Client(timeout=10) as http:
            while not stop.is_set():
                # pairs of clients send the same ids at the same moment: dedupe under concurrency
                ids = [f"{name}-{number}-{i}-é" for i in range(50)]
                number += 1
                sent.update(ids)
                body = {"batch": [{"type": "track", "event": "Load", "userId": "ü", "messageId": m} for m in ids]}
                for _ in range(50):
                    response = http.post(f"{server.url}/v1/batch", json=body, auth=(key, ""))
                    if response.status_code == 200:
                        acked.extend(ids)
                        break
                    assert response.status_code == 429, response.text
                    time.sleep(0.05)

    with ServerProcess(ws, tmp_path / "server.log") as server:
        assert server.process is not None
        threads = [threading.Thread(target=client, args=(f"c{i % 3}",), daemon=True) for i in range(6)]
        for thread in threads:
            thread.start()
        kills = 0
        try:
            for _ in range(5):
                time.sleep(0.6)
                children = wait_until(lambda: _compactor_children(server.process.pid), timeout=10)  # type: ignore[union-attr]
                assert children, "no compactor child process"
                for child in children:
                    os.kill(child, signal.SIGKILL)
                    kills += 1
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        # the server replaces its compactor: everything acknowledged becomes visible without a restart
        unique = set(acked)
        assert wait_until(lambda: set(lake_ids(ws)) >= unique, timeout=30), "acknowledged events never published"
    stored = Counter(lake_ids(ws))
    assert kills >= 5 and len(unique) > 500
    assert [m for m, c in stored.items() if c > 1] == [], "duplicates in the lake"
    assert set(stored) <= sent
    with ingest_db(ws) as con:
        (accepted,) = con.execute("SELECT sum(value) FROM stats WHERE metric = 'accepted'").fetchone()
        (duplicates,) = con.execute("SELECT coalesce(sum(value), 0) FROM stats WHERE metric = 'duplicates'").fetchone()
    assert accepted == len(stored)
    assert accepted + duplicates >= len(acked)  # every acknowledged copy was counted: kept or dropped


def _table(n: int, prefix: str) -> pa.Table:
    rows: dict[str, Any] = {name: [None] * n for name in SCHEMA.names}
    rows["message_id"] = [f"{prefix}-{i:06d}-{os.urandom(8).hex()}" for i in range(n)]
    rows["timestamp"] = [1_793_000_000_000_000 + i for i in range(n)]
    rows["properties"] = rows["context"] = [[] for _ in range(n)]
    return pa.table(rows, schema=SCHEMA)


def test_size_tiered_merge_keeps_large_files_and_merges_small_ones(tmp_path: Path) -> None:
    assert [size_tier(s, 4, 1000) for s in (0, 999, 1000, 3999, 4000, 16_000)] == [0, 0, 1, 1, 2, 3]
    lake = Lake(tmp_path)
    day = "2026-11-02"
    lake.add(day, "big.parquet", _table(20_000, "big"))
    big = lake.files(day)[0]
    big_size, big_inode = big.stat().st_size, big.stat().st_ino
    assert big_size > 100_000
    merges = 0
    for i in range(9):
        lake.add(day, f"small-{i}.parquet", _table(3, f"s{i}"))
        merges += lake.merge(day, threshold=4, small_bytes=50_000)
    files = lake.files(day)
    kept = [f for f in files if f.stat().st_ino == big_inode]
    assert merges >= 2 and len(kept) == 1, "the large file was rewritten"
    assert len(files) <= 4
    ids = Counter(m for f in files for m in pq.read_table(f, columns=["message_id"]).column(0).to_pylist())
    assert sum(ids.values()) == 20_000 + 27 and max(ids.values()) == 1
    assert len(list((lake.versions / day).iterdir())) == 1  # old versions are gone


NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def _segment_messages() -> list[dict[str, Any]]:
    """Every kind of line a segment holds: duplicates, identity links, junk ids, flags, non-ASCII."""
    base = {"timestamp": "2026-11-02T10:00:00Z", "context": {"os": {"name": "Linux"}, "locale": "fr-FR"}}
    return [
        {**base, "type": "track", "messageId": "a", "userId": "ü-1", "event": "Größe", "properties": {"n": 1}},
        {**base, "type": "track", "messageId": "a", "userId": "ü-1", "event": "Größe"},  # same id: duplicate
        {**base, "type": "track", "messageId": "old", "userId": "u", "event": "E"},  # seen in an earlier segment
        {**base, "type": "page", "messageId": "p", "anonymousId": "dev-1", "name": "Home", "properties": {"ok": True}},
        {**base, "type": "identify", "messageId": "i", "userId": "u-2", "anonymousId": "dev-1", "traits": {"x": "y"}},
        {**base, "type": "alias", "messageId": "al", "userId": "u-2", "previousId": "u-old"},
        {**base, "type": "track", "messageId": "j", "userId": "null", "anonymousId": "guest", "event": "Junk"},
        {**base, "type": "track", "messageId": "late", "userId": "u", "event": "L", "timestamp": "2026-10-01T00:00Z"},
        {**base, "type": "track", "userId": "u"},  # no event: quarantined
        {**base, "type": "screen", "messageId": "s", "userId": "u", "name": "Start", "sentAt": "2026-11-02T09:00:00Z"},
    ]


def _compact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, columnar_path: bool) -> tuple[Any, dict[str, Any]]:
    """One earlier segment, then the segment above; the lake rows and the ingest database after."""
    from headway.ingest import columnar
    from headway.ingest.compactor import INGEST_DIR, Compactor
    from headway.ingest.messages import Received
    from headway.ingest.service import accept
    from headway.spec.ingest_settings import IngestSettings

    ws = make_workspace(tmp_path / ("columnar" if columnar_path else "lines"))
    settings = IngestSettings()
    compactor = Compactor(ws, settings)
    received = Received("wéb", NOW)  # recent: the dedupe index keeps 7 days
    for messages in ([_segment_messages()[2]], _segment_messages()):
        log = EventLog(ws / INGEST_DIR / "log", compactor.db.next_segment)
        log.write(bytes(accept(messages, received, settings, "batch").data))
        log.close()
    with monkeypatch.context() as patch:
        if not columnar_path:  # the reference: every segment line by line
            patch.setattr(columnar, "read", lambda con, path: None)
        result = compactor.run_pass()
    compactor.close()
    files = sorted((ws / ".headway" / "lake" / "events").glob("*/*.parquet"))
    lake = sorted((row for f in files for row in pq.read_table(f).to_pylist()), key=lambda r: r["message_id"])
    with ingest_db(ws) as con:
        tables: dict[str, Any] = {
            t: con.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3").fetchall()
            for t in ("stats", "identity_log", "quarantine")
        }
        tables["person_keys"] = con.execute("SELECT key FROM person_keys ORDER BY 1").fetchall()
        tables["seen"] = con.execute("SELECT message_id, segment FROM seen ORDER BY 1").fetchall()
    tables["result"] = [result.accepted, result.duplicates, dict(result.quarantined)]
    tables["fields"] = (ws / ".headway" / "lake" / "fields.json").read_text(encoding="utf-8")
    return lake, tables


def test_columnar_compaction_equals_the_line_by_line_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lake_lines, db_lines = _compact(tmp_path, monkeypatch, columnar_path=False)
    lake_columnar, db_columnar = _compact(tmp_path, monkeypatch, columnar_path=True)
    # by hand: "old", then 10 messages: 1 quarantined, the second "a" and "old" again are duplicates
    assert db_lines["result"] == [1 + 7, 2, {"missing_event": 1}]
    kept = sorted(["old", "a", "p", "i", "al", "j", "late", "s"])
    assert db_lines["seen"] == [(m, 1 if m == "old" else 2) for m in kept]
    for name in ("identity_log", "person_keys", "seen", "result", "fields"):
        assert db_columnar[name] == db_lines[name], name
    assert _without_lag(db_columnar["stats"]) == _without_lag(db_lines["stats"])
    assert [r[:3] + r[4:] for r in db_columnar["quarantine"]] == [r[:3] + r[4:] for r in db_lines["quarantine"]]
    assert lake_columnar == lake_lines
    assert sorted(row["message_id"] for row in lake_lines) == sorted(m for m, _ in db_lines["seen"])
    junk = next(row for row in lake_lines if row["message_id"] == "j")
    assert junk["person_key"] == "msg:j" and junk["os"] == "Linux" and junk["locale"] == "fr-FR"
    assert ("identify", "dev-1", "u-2") in [r[3:6] for r in db_lines["identity_log"]]


def _without_lag(rows: list[Any]) -> list[Any]:
    """Counters, but the receive-to-compaction lag (it depends on the moment each pass ran)."""
    return [r for r in rows if r[3] != "lag_s_sum"]


def test_a_torn_tail_takes_the_line_by_line_path(tmp_path: Path) -> None:
    from headway.ingest.columnar import connect, read
    from headway.ingest.log import encode

    path = tmp_path / "seg-00000001.log"
    path.write_bytes(encode({"k": "e", "message_id": "m"}) + b'{"k":"e","message_id":"torn"')
    con = connect()
    assert read(con, path) is None
    path.write_bytes(encode({"k": "q", "reason": "r"}) + b"garbage\n")
    assert read(con, path) is None
    con.close()


def test_ctrl_c_publishes_what_was_acknowledged_without_a_traceback(tmp_path: Path) -> None:
    import subprocess

    from fixtures import free_port, wait_for_port
    from fixtures.ingest import HEADWAY

    ws = make_workspace(tmp_path / "ws", {"visible_within_s": 600})  # no pass before the last one
    key = create_key(ws)
    port = free_port()
    with (tmp_path / "server.log").open("wb") as out:
        server = subprocess.Popen(
            [str(HEADWAY), "serve", "-w", str(ws), "--port", str(port)], stdout=out, stderr=out, start_new_session=True
        )
    try:
        wait_for_port(port, timeout=30)
        event = {"type": "track", "userId": "ü", "event": "E", "messageId": "before-ctrl-c"}
        response = httpx.post(f"http://127.0.0.1:{port}/v1/track", json=event, auth=(key, ""), timeout=30)
        assert response.status_code == 200
        os.killpg(server.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
        assert server.wait(timeout=120) == 0
    finally:
        if server.poll() is None:
            server.kill()
    assert "Traceback" not in (tmp_path / "server.log").read_text(encoding="utf-8", errors="replace")
    assert lake_ids(ws) == ["before-ctrl-c"]
