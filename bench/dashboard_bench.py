"""The dashboard on the medium demo (issue 14): the tree's evidence cold, and the overview under HTTP load.

- Tree: < 1 s cold. "Cold" is a new Engine in a warm process (no result cache, no file
  metadata), the way a freshly started server answers its first /tree request; the operating
  system's file cache is warm after the first run.
- Overview: p95 < 150 ms with 20 concurrent clients, measured with Debian's `hey` against a real
  `headway serve` (after one request has computed the cards), for /api/v1/cards and the page /.
"""

from __future__ import annotations

import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from headway.analysis.alignment import Filter, tree_report
from headway.engine import Actor, Engine
from headway.spec import load_workspace

RUNS = 3


def tree(demo: Path) -> dict[str, Any]:
    ws = load_workspace(demo)
    cold, links = [], 0
    for _ in range(RUNS):
        engine = Engine(ws)
        started = time.perf_counter()
        report = tree_report(engine, actor=Actor.owner())
        cold.append(time.perf_counter() - started)
        links = len(report["edges"])
        started = time.perf_counter()
        tree_report(engine, actor=Actor.owner())
        cached = time.perf_counter() - started
        started = time.perf_counter()
        tree_report(engine, Filter("plan", "pro"), actor=Actor.owner())
        sliced = time.perf_counter() - started
        engine.close()
    return {
        "links": links,
        "cold_ms": statistics.median(cold) * 1000,
        "cached_ms": cached * 1000,
        "filtered_cold_ms": sliced * 1000,
        "goal_cold_ms": 1000.0,
    }


def overview_load(demo: Path, requests: int = 2000, clients: int = 20) -> list[dict[str, Any]]:
    """p50/p95/p99 of the overview under `clients` concurrent clients, from `hey`'s latency distribution."""
    if shutil.which("hey") is None:
        return [{"path": "-", "error": "hey is missing: apt-get install -y hey (scripts/system-deps.sh)"}]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    headway = Path(sys.executable).parent / "headway"
    server = subprocess.Popen(
        [str(headway), "serve", "-w", str(demo), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        started = time.perf_counter()
        first = _first_answer(f"{base}/api/v1/cards")
        first_s = time.perf_counter() - started
        out = []
        for path in ("/api/v1/cards", "/"):
            load = ["hey", "-n", str(requests), "-c", str(clients), base + path]
            done = subprocess.run(load, capture_output=True, text=True, check=True)
            out.append({"path": path, "clients": clients, "requests": requests, **_latencies(done.stdout)})
        out[0]["first_request_s"] = first_s
        out[0]["cards"] = first
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)


def _first_answer(url: str) -> int:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            body = httpx.get(url, timeout=300).json()
            return sum(len(row) for row in body["rows"].values())
        except httpx.HTTPError:
            time.sleep(0.2)
    raise TimeoutError(url)


def _latencies(report: str) -> dict[str, float]:
    """`hey` prints lines such as "  95% in 0.0123 secs"."""
    found = {int(p): float(s) * 1000 for p, s in re.findall(r"^\s+(\d+)% in ([\d.]+) secs", report, re.M)}
    rate = re.search(r"Requests/sec:\s+([\d.]+)", report)
    return {
        "p50_ms": found.get(50, float("nan")),
        "p95_ms": found.get(95, float("nan")),
        "p99_ms": found.get(99, float("nan")),
        "requests_per_s": float(rate.group(1)) if rate else float("nan"),
        "goal_p95_ms": 150.0,
    }
