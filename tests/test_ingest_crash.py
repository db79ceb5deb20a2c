"""Durability: SIGKILL the real server at random moments while 8 clients send batches.

Every message id that got a 200 must be in the lake after restart, exactly once; nothing may
appear that was never sent. Clients retry a failed batch with the same ids, like Segment's SDKs.
"""

from __future__ import annotations

import random
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
from fixtures.ingest import HEADWAY, ServerProcess, create_key, lake_ids, make_workspace

CLIENTS = 8
BATCH = 40


def client_loop(url: str, key: str, name: str, stop: threading.Event, acked: list[str], sent: set[str]) -> None:
    number = 0
    with httpx.Client(timeout=5) as http:
        while not stop.is_set():
            ids = [f"{name}-{number}-{i}" for i in range(BATCH)]
            number += 1
            sent.update(ids)
            body = {"batch": [{"type": "track", "event": "Load", "userId": name, "messageId": m} for m in ids]}
            for _attempt in range(50):  # retry the same ids until acknowledged
                try:
                    response = http.post(f"{url}/v1/batch", json=body, auth=(key, ""))
                except httpx.HTTPError:
                    time.sleep(0.05)
                    continue
                if response.status_code == 200:
                    acked.extend(ids)
                    break
                assert response.status_code in (429, 500, 502, 503), response.text
                time.sleep(0.05)


def test_every_acknowledged_event_survives_sigkill_exactly_once(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    key = create_key(ws)
    server = ServerProcess(ws, tmp_path / "server.log").start()
    stop = threading.Event()
    acked: list[str] = []
    sent: set[str] = set()
    threads = [
        threading.Thread(target=client_loop, args=(server.url, key, f"c{i}", stop, acked, sent), daemon=True)
        for i in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    rng = random.Random(12)
    kills = 0
    try:
        for _ in range(4):
            time.sleep(rng.uniform(0.5, 2.0))
            server.kill()  # SIGKILL: no shutdown, no last compaction
            kills += 1
            server.start()
        time.sleep(1.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        server.kill()
    # publish what the log still holds, without a server
    subprocess.run([str(HEADWAY), "ingest", "compact", "-w", str(ws)], check=True, capture_output=True)

    stored = lake_ids(ws)
    counts = Counter(stored)
    assert kills == 4 and len(acked) > 1000, len(acked)
    assert [m for m, c in counts.items() if c > 1] == [], "duplicates in the lake"
    missing = set(acked) - set(counts)
    assert not missing, f"{len(missing)} acknowledged events lost, e.g. {sorted(missing)[:3]}"
    assert set(counts) <= sent, "the lake holds ids that were never sent"
