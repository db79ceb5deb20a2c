"""Ingestion throughput: events/s acknowledged (fsync'd) through `/v1/batch`, 8 concurrent clients.

A real `headway serve` subprocess on a fresh workspace; the load generator is 8 threads of stdlib
http.client in this process (it shares the machine's cores with the server, as a co-located SDK would not).
Each client posts batches of BATCH events (Segment's SDKs send 100) with unique message ids, one
request at a time, for SECONDS. Reported: events/s (median of RUNS runs), p50/p99 request latency
(of the median run), and the delay from a 200 to the event counting in an `Engine.query`.

    python bench/ingest.py            # or through `make bench`
"""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
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
VISIBLE = float(os.environ.get("BENCH_INGEST_VISIBLE", "1.0"))
METRIC = """metrics:
  - {id: marks, kind: health, source: events, measure: {agg: count}, filter: "event = 'Mark'", grain: day}
"""


def workspace() -> tuple[Path, str]:
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "metrics").mkdir(parents=True)
    (WORK / "headway.yml").write_text(f"name: bench\ningest: {{visible_within_s: {VISIBLE}}}\n", encoding="utf-8")
    (WORK / "metrics" / "m.yml").write_text(METRIC, encoding="utf-8")
    out = subprocess.run(
        [str(HEADWAY), "keys", "create", "--source", "bench", "-w", str(WORK)],
        capture_output=True,
        text=True,
        check=True,
    )
    return WORK, out.stdout.splitlines()[0].strip()


def event_template(stamp: str) -> bytes:
    """One event with `%(mid)s`/`%(uid)s` holes: the client fills them in instead of encoding JSON per event."""
    event = {
        "type": "track",
        "messageId": "@MID@",
        "userId": "@UID@",
        "event": "Feature Used",
        "timestamp": stamp,
        "properties": {"feature": "reports", "duration_s": 1.5},
        "context": {"library": {"name": "bench"}, "os": {"name": "Linux"}},
    }
    text = json.dumps(event).replace("%", "%%").replace('"@MID@"', '"%(mid)s"').replace('"@UID@"', '"%(uid)s"')
    return text.encode()


def body(client: int, number: int, stamp: str, template: bytes | None = None) -> bytes:
    """A batch of BATCH events with unique message ids (a co-located SDK's JSON encoding is not the server's cost)."""
    template = template or event_template(stamp)
    events = b",".join(
        template % {b"mid": f"{client}-{number}-{i}".encode(), b"uid": f"user-{(number * BATCH + i) % 5000}".encode()}
        for i in range(BATCH)
    )
    return b'{"batch":[' + events + b'],"sentAt":' + json.dumps(stamp).encode() + b"}"


def client(port: int, key: str, index: int, stop: float, latencies: list[float], run: int) -> int:
    """One SDK-like client: a keep-alive connection, one batch at a time (stdlib http.client: a light
    load generator, so that the machine's cores go to the server being measured)."""
    sent = 0
    number = 0
    stamp = dt.datetime.now(dt.UTC).isoformat()
    template = event_template(stamp)
    auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        while time.perf_counter() < stop:
            payload = body(index, run * 1_000_000 + number, stamp, template)
            number += 1
            started = time.perf_counter()
            connection.request(
                "POST", "/v1/batch", payload, {"Content-Type": "application/json", "Authorization": auth}
            )
            response = connection.getresponse()
            answer = response.read()
            latencies.append(time.perf_counter() - started)
            if response.status == 200:
                sent += BATCH
            elif response.status != 429:
                raise RuntimeError(answer.decode(errors="replace"))
    finally:
        connection.close()
    return sent


def load(port: int, key: str, run: int) -> dict[str, float]:
    latencies: list[float] = []
    client_cpu = time.process_time()
    started = time.perf_counter()
    stop = started + SECONDS
    with ThreadPoolExecutor(CLIENTS) as pool:
        counts = list(pool.map(lambda i: client(port, key, i, stop, latencies, run), range(CLIENTS)))
    elapsed = time.perf_counter() - started
    client_cpu = time.process_time() - client_cpu
    latencies.sort()
    return {
        "events_per_s": sum(counts) / elapsed,
        "events": sum(counts),
        "client_cpu_s": client_cpu,
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


def cpu_seconds(pid: int, children: bool = True) -> float:
    """User + system CPU time of a process and (unless told not to) its live children (the
    compactor), from Linux /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    for listing in Path(f"/proc/{pid}/task").glob("*/children") if children else ():
        total += sum(cpu_seconds(int(child)) for child in listing.read_text().split())
    return total


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
            cpu, main_cpu = cpu_seconds(server.pid), cpu_seconds(server.pid, children=False)
            measured = load(port, key, i)
            time.sleep(2 * VISIBLE + 0.5)  # let the compactor publish this run's events: its CPU counts too
            used = cpu_seconds(server.pid) - cpu
            measured["server_cpu_per_10k"] = 10_000 * used / measured["events"]
            main_used = cpu_seconds(server.pid, children=False) - main_cpu
            measured["requests_cpu_per_10k"] = 10_000 * main_used / measured["events"]
            measured["client_cpu_per_10k"] = 10_000 * measured["client_cpu_s"] / measured["events"]
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
        f"  CPU per 10k events: server {result['server_cpu_per_10k']:.2f} s (request path "
        f"{result['requests_cpu_per_10k']:.2f} s + compactor process), "
        f"load generator {result['client_cpu_per_10k']:.2f} s "
        f"(machine load average {result['load']:.1f} on {os.cpu_count()} cores during the run)\n"
        f"  request latency: p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms (goal p99 < 250 ms)\n"
        f"  acknowledged -> visible in a query: {result['visible_s']:.2f} s (median of 5; goal < 5 s)"
    )
    return result


if __name__ == "__main__":
    main()
