"""HTTP load on the overview: `hey` with 20 concurrent clients against a real `headway serve`.

The server runs in its own process on a free port, on the medium demo. After its first overview
has answered (warm-up), `hey` sends `requests` requests from `clients` clients and writes one CSV
line per request; p50, p95 and requests per second are computed here from those lines, with the
count of answers that were not 200. `hey` is Debian's (`apt-get install -y hey`, done by
`scripts/bench-deps.sh`). Run alone: `python bench/http_load.py [workspace]`.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PATH = "/api/v1/overview"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def wait_warm(url: str, seconds: float) -> None:
    """Until the server's start-up warm-up (cards, tree, dashboards) is over: it would compete with the load."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with urllib.request.urlopen(url, timeout=60) as response:
            if json.loads(response.read()).get("warm"):
                return
        time.sleep(0.5)
    raise TimeoutError(f"the server did not finish warming up in {seconds:.0f} s")


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def summarize(hey_csv: str) -> dict[str, Any]:
    """p50/p95 in ms, requests per second over the whole run, and the non-200 count, from `hey -o csv`."""
    rows = list(csv.DictReader(io.StringIO(hey_csv)))
    latency = [float(r["response-time"]) * 1000 for r in rows]
    ends = [float(r["offset"]) + float(r["response-time"]) for r in rows]
    starts = [float(r["offset"]) for r in rows]
    return {
        "requests": len(rows),
        "p50_ms": percentile(latency, 0.50),
        "p95_ms": percentile(latency, 0.95),
        "max_ms": max(latency),
        "requests_per_s": len(rows) / (max(ends) - min(starts)),
        "not_200": sum(1 for r in rows if r["status-code"] != "200"),
    }


def overview_load(
    headway: Path, workspace: Path, clients: int = 20, requests: int = 1000, path: str = PATH
) -> dict[str, Any]:
    hey = shutil.which("hey")
    if hey is None:
        raise RuntimeError("hey is not installed: run `bash scripts/bench-deps.sh` (apt-get install -y hey)")
    port = free_port()
    server = subprocess.Popen(
        [str(headway), "serve", "-w", str(workspace), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}{path}"
        wait_for(url, seconds=120)  # the first overview computes every metric; later ones are cached
        wait_warm(f"http://127.0.0.1:{port}/api/v1/health", seconds=300)  # no warm-up competing with the load
        out = subprocess.run(
            [hey, "-n", str(requests), "-c", str(clients), "-o", "csv", url], check=True, capture_output=True, text=True
        )
        return {"endpoint": path, "clients": clients, **summarize(out.stdout)}
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / ".bench" / "demo-medium"
    for key, value in overview_load(Path(sys.executable).parent / "headway", target).items():
        print(f"{key:>16}: {value:,.1f}" if isinstance(value, float) else f"{key:>16}: {value}")
