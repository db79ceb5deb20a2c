"""The metric tree, the overview's cards and the dashboards on the medium demo (issue 14): cold, cached,
and what the first visitor waits for once the server's background warm-up has run.

"Cold" is a new Engine in a warm process (no result cache, no file metadata), the way a freshly
started server would answer its first request without warm-up; the operating system's file cache
is warm after the first run. CPU time (all threads of this process, DuckDB's included) is reported
beside wall time because the machine is shared. The overview's cards under HTTP load are measured
by `http_load.py` (path /api/v1/cards). Run alone: `python bench/dashboard_bench.py [workspace]`.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from headway.analysis.alignment import Filter, tree_report
from headway.engine import Actor, Engine
from headway.spec import load_workspace

RUNS = 3


def timed(step: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds of the whole process, result)."""
    wall, cpu = time.perf_counter(), time.process_time()
    found = step()
    return time.perf_counter() - wall, time.process_time() - cpu, found


def tree(demo: Path) -> dict[str, Any]:
    ws = load_workspace(demo)
    cold, cold_cpu, links = [], [], 0
    cached = sliced = 0.0
    for _ in range(RUNS):
        engine = Engine(ws)
        wall, cpu, report = timed(lambda e=engine: tree_report(e, actor=Actor.owner()))  # type: ignore[misc]
        cold.append(wall)
        cold_cpu.append(cpu)
        links = len(report["edges"])
        cached = timed(lambda e=engine: tree_report(e, actor=Actor.owner()))[0]  # type: ignore[misc]
        sliced = timed(lambda e=engine: tree_report(e, Filter("plan", "pro"), actor=Actor.owner()))[0]  # type: ignore[misc]
        engine.close()
    return {
        "links": links,
        "cold_ms": statistics.median(cold) * 1000,
        "cold_cpu_ms": statistics.median(cold_cpu) * 1000,
        "engine_cached_ms": cached * 1000,
        "filtered_cold_ms": sliced * 1000,
        "goal_cold_ms": 1000.0,
    }


def cards(demo: Path) -> dict[str, Any]:
    """The overview's cards, cold, as a web visitor (the server's actor) would ask for them."""
    from headway.analysis import cards as module

    ws = load_workspace(demo)
    walls, cpus = [], []
    for _ in range(RUNS):
        module._cache.clear()
        engine = Engine(ws)
        wall, cpu, _ = timed(lambda e=engine: module.overview_cards(e, actor=Actor.viewer()))  # type: ignore[misc]
        walls.append(wall)
        cpus.append(cpu)
        engine.close()
    return {"cold_ms": statistics.median(walls) * 1000, "cold_cpu_ms": statistics.median(cpus) * 1000}


def first_visit(demo: Path) -> dict[str, Any]:
    """The server's background warm-up (cards, tree, every dashboard), then the first visitor's requests."""
    from headway.analysis.cards import overview_cards
    from headway.analysis.dashboard_view import dashboard_view, dashboards
    from headway.analysis.tree_cache import cached_tree_report
    from headway.serve.warmup import warm_dashboard

    ws = load_workspace(demo)
    engine = Engine(ws)
    viewer = Actor.viewer()
    try:
        warm, warm_cpu, _ = timed(lambda: warm_dashboard(engine, viewer, threading.Event()))
        tree_ms = timed(lambda: cached_tree_report(engine, actor=viewer))[0] * 1000
        cards_ms = timed(lambda: overview_cards(engine, actor=viewer))[0] * 1000
        boards = list(dashboards(engine))
        board_ms = max((timed(lambda b=b: dashboard_view(engine, b, actor=viewer))[0] for b in boards), default=0.0)  # type: ignore[misc]
    finally:
        engine.close()
    return {
        "warmup_ms": warm * 1000,
        "warmup_cpu_ms": warm_cpu * 1000,
        "first_tree_ms": tree_ms,
        "first_cards_ms": cards_ms,
        "slowest_dashboard_ms": board_ms,
        "dashboards": len(boards),
    }


if __name__ == "__main__":
    demo = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "demo-workspace")
    for name, measure in (("tree", tree), ("cards", cards), ("first visit after warm-up", first_visit)):
        print(name, {k: round(v, 1) if isinstance(v, float) else v for k, v in measure(demo).items()})
