"""The metric tree with every link's evidence on the medium demo (issue 14): cold and cached.

Goal: < 1 s cold. "Cold" is a new Engine in a warm process (no result cache, no file metadata),
the way a freshly started server answers its first /tree request; the operating system's file
cache is warm after the first run. The overview's cards under HTTP load are measured by
`http_load.py` (path /api/v1/cards).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

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
