"""The server's memory after a burst of large answers: the result cache's byte bound must hold.

A copy of the medium demo (files hard-linked, so inside the workspace and free) gets
`cache: {max_mb: 16}`; a real `headway serve` answers twelve large, distinct queries (day grain,
three dimensions, year-ago compare: ~30k rows each); the server's resident memory is read from
/proc before and after, and the cache's own estimate from /api/v1/health.
Run alone: `python bench/memory.py [workspace]`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

from http_load import free_port, wait_for

HERE = Path(__file__).resolve().parent
BOUND_MB = 16
BURST = [  # (metric, dimensions, first day): distinct, so none is served from the cache
    ("support_tickets", by, start)
    for by in (("category", "priority", "channel"), ("category", "channel", "account.plan"))
    for start in ("2025-11-01", "2025-12-01", "2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01")
]


def workspace_copy(demo: Path, target: Path) -> Path:
    """The demo with a 16 MB cache bound; data files hard-linked (a link is a file inside the workspace)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(demo, target, copy_function=os.link, ignore=shutil.ignore_patterns(".headway"))
    config = target / "headway.yml"
    text = config.read_text(encoding="utf-8")
    config.unlink()  # a hard link: write a new file, never through the link into the demo's own
    config.write_text(text + f"cache: {{max_mb: {BOUND_MB}}}\n", encoding="utf-8")
    return target


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def get(url: str) -> tuple[int, int]:
    with urllib.request.urlopen(url, timeout=600) as response:
        return response.status, len(response.read())


def memory_burst(headway: Path, demo: Path) -> dict[str, Any]:
    ws = workspace_copy(demo, demo.parent / "demo-memory")
    port = free_port()
    server = subprocess.Popen(
        [str(headway), "serve", "-w", str(ws), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/api/v1/overview", seconds=300)
        before = rss_mb(server.pid)
        sizes = []
        for metric, by, start in BURST:
            query = "&".join([f"grain=day&from={start}&compare=year_ago", *(f"by={d}" for d in by)])
            status, size = get(f"{base}/api/v1/metrics/{metric}/query?{query}")
            assert status == 200, status
            sizes.append(size)
        after = rss_mb(server.pid)
        with urllib.request.urlopen(f"{base}/api/v1/health", timeout=60) as response:
            cache_mb = json.loads(response.read())["cache_bytes"] / 2**20
        return {
            "answers": len(sizes),
            "answer_mb_each": round(sum(sizes) / len(sizes) / 2**20, 1),
            "rss_before_mb": round(before),
            "rss_after_mb": round(after),
            "cache_mb": round(cache_mb, 1),
            "bound_mb": BOUND_MB,
            "bound_holds": cache_mb <= BOUND_MB,
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(ws, ignore_errors=True)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / ".bench" / "demo-medium"
    print(json.dumps(memory_burst(Path(sys.executable).parent / "headway", target), indent=2))
