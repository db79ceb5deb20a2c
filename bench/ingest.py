"""Ingestion throughput: events/s acknowledged (fsync'd) through `/v1/batch`, 8 concurrent clients.

A real `headway serve` subprocess on a fresh workspace; the load generator is asyncio + httpx in
this process (it shares the machine's cores with the server, as a co-located SDK would not).
Each client posts batches of BATCH events (Segment's SDKs send 100) with unique message ids, one
request at a time, for SECONDS. Reported: events/s (median of RUNS runs), p50/p99 request latency
(of the median run), and the delay from a 200 to the event counting in an `Engine.query`.

    python bench/ingest.py            # or through `make bench`
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from fixtures import free_port, wait_for_port  # noqa: E402

from headway.engine import Actor, Engine, Query  # noqa: E402
from headway.spec import Grain, load_workspace  # noqa: E402

OWNER = Actor.owner()
CLIENTS = 8
BATCH = int(os.environ.get("BENCH_INGEST_BATCH", "100"))
SECONDS = float(os.environ.get("BENCH_INGEST_SECONDS", "8"))
RUNS = int(os.environ.get("BENCH_INGEST_RUNS", "3"))
HEADWAY = Path(sys.executable).parent / "headway"
WORK = ROOT / ".bench" / "ingest"
METRIC = """metrics:
  - {id: marks, kind: health, source: events, measure: {agg: count}, filter: "event = 'Mark'", grain: day}
"""


def workspace() -> tuple[Path, str]:
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "metrics").mkdir(parents=True)
    vis = os.environ.get("BENCH_INGEST_VISIBLE", "1.0")
    (WORK / "headway.yml").write_text(f"name: bench\ningest: {{visible_within_s: {vis}}}\n", encoding="utf-8")
    (WORK / "metrics" / "m.yml").write_text(METRIC, encoding="utf-8")
    out = subprocess.run(
        [str(HEADWAY), "keys", "create", "--source", "bench", "-w", str(WORK)],
        capture_output=True,
        text=True,
        check=True,
    )
    return WORK, out.stdout.splitlines()[0].strip()


def body(client: int, number: int, stamp: str) -> bytes:
    events = [
        {
            "type": "track",
            "messageId": f"{client}-{number}-{i}",
            "userId": f"user-{(number * BATCH + i) % 5000}",
            "event": "Feature Used",
            "timestamp": stamp,
            "properties": {"feature": "reports", "duration_s": 1.5},
            "context": {"library": {"name": "bench"}, "os": {"name": "Linux"}},
        }
        for i in range(BATCH)
    ]
    return json.dumps({"batch": events, "sentAt": stamp}).encode()


async def client(url: str, key: str, index: int, stop: float, latencies: list[float], run: int) -> int:
    sent = 0
    number = 0
    stamp = dt.datetime.now(dt.UTC).isoformat()
    async with httpx.AsyncClient(auth=(key, ""), timeout=30, headers={"Content-Type": "application/json"}) as http:
        while time.perf_counter() < stop:
            payload = body(index, run * 1_000_000 + number, stamp)
            number += 1
            started = time.perf_counter()
            response = await http.post(f"{url}/v1/batch", content=payload)
            latencies.append(time.perf_counter() - started)
            if response.status_code == 200:
                sent += BATCH
            elif response.status_code != 429:
                raise RuntimeError(response.text)
    return sent


async def load(url: str, key: str, run: int) -> dict[str, float]:
    latencies: list[float] = []
    started = time.perf_counter()
    stop = started + SECONDS
    counts = await asyncio.gather(*(client(url, key, i, stop, latencies, run) for i in range(CLIENTS)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "events_per_s": sum(counts) / elapsed,
        "requests": len(latencies),
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def visibility(url: str, key: str, ws: Path, marks: int = 5) -> float:
    """Median seconds from the 200 of one 'Mark' event to `Engine.query` counting it."""
    delays = []
    engine = Engine(load_workspace(ws))
    today = dt.datetime.now(dt.UTC).date()
    try:
        for i in range(marks):
            event = {"type": "track", "userId": "m", "event": "Mark", "messageId": f"mark-{i}-{time.time()}"}
            httpx.post(f"{url}/v1/track", json=event, auth=(key, ""), timeout=30).raise_for_status()
            acked = time.perf_counter()
            while True:
                rows = engine.query(Query("marks", Grain.DAY, start=today, end=today), actor=OWNER).rows
                if sum(r["value"] or 0 for r in rows) >= i + 1:
                    break
                time.sleep(0.02)
            delays.append(time.perf_counter() - acked)
    finally:
        engine.close()
    return statistics.median(delays)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to report cost independent of other load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run() -> dict[str, Any]:
    ws, key = workspace()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with (WORK.parent / "ingest-server.log").open("wb") as log:
        server = subprocess.Popen([str(HEADWAY), "serve", "-w", str(ws), "--port", str(port)], stdout=log, stderr=log)
    try:
        wait_for_port(port, 30)
        runs = []
        for i in range(RUNS):
            cpu = cpu_seconds(server.pid)
            measured = asyncio.run(load(url, key, i))
            used = cpu_seconds(server.pid) - cpu
            measured["events_per_cpu_s"] = measured["events_per_s"] * SECONDS / used if used else 0.0
            runs.append(measured)
        median = sorted(runs, key=lambda r: r["events_per_s"])[len(runs) // 2]
        result = {**median, "runs": [round(r["events_per_s"]) for r in runs], "visible_s": visibility(url, key, ws)}
        result["load"] = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait(timeout=120)
    return result


def main() -> dict[str, Any]:
    result = run()
    print(
        f"\ningestion: {CLIENTS} clients x {BATCH}-event batches to /v1/batch, fsync'd, {SECONDS:.0f} s x {RUNS} runs "
        f"({os.cpu_count()} cores)\n"
        f"  events/s acknowledged: {result['events_per_s']:,.0f} (median; runs: {result['runs']}; goal >= 20,000)\n"
        f"  server cost: {result['events_per_cpu_s']:,.0f} events per server CPU-second "
        f"(machine load average {result['load']:.1f} on {os.cpu_count()} cores during the run)\n"
        f"  request latency: p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms (goal p99 < 250 ms)\n"
        f"  acknowledged -> visible in a query: {result['visible_s']:.2f} s (median of 5; goal < 5 s)"
    )
    return result


if __name__ == "__main__":
    main()
