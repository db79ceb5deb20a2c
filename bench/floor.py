"""Headway's generated SQL against hand-written SQL, run interleaved on one DuckDB connection.

For each case three things are timed in turn, round after round, on the engine's own connection
(same settings, same warm file cache): the hand-written SQL, the SQL Headway generates for the
same question, and `Engine.query` with both caches off (plan + compile + run). Interleaving means
a burst of load from other processes hits all three alike. Each is reported as the median wall
time with its spread, and as the median CPU time of the process (DuckDB's threads included),
which other processes disturb far less on a shared machine.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from hand_sql import Case

from headway.engine import Actor, Engine

OWNER = Actor.owner()  # the bench reads as the workspace owner, like the CLI

KINDS = ("hand", "generated", "query")


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, out


def floor(engine: Engine, cases: list[Case], data: str, runs: int) -> list[dict[str, Any]]:
    """One row per case: medians in ms and the ratios generated/hand and query/hand."""
    backend = engine.backend
    hand = {c.label: c.sql.format(data=data) for c in cases}
    generated = {}
    for case in cases:
        engine.query(case.query, use_cache=False, actor=OWNER)  # views, file facts, first touch of the files
        generated[case.label] = engine.sql(case.query, actor=OWNER)
        backend.execute(hand[case.label])
    jobs: dict[str, Callable[[], Any]] = {}
    for case in cases:
        jobs[f"{case.label}|hand"] = lambda c=case: backend.execute(hand[c.label])[1]
        jobs[f"{case.label}|generated"] = lambda c=case: backend.execute(generated[c.label])[1]
        jobs[f"{case.label}|query"] = lambda c=case: engine.query(
            c.query, use_cache=False, use_plan_cache=False, actor=OWNER
        )
    wall: dict[str, list[float]] = {k: [] for k in jobs}
    cpu: dict[str, list[float]] = {k: [] for k in jobs}
    last: dict[str, Any] = {}
    for round_ in range(runs):
        for case in cases:
            kinds = KINDS[round_ % 3 :] + KINDS[: round_ % 3]  # rotate who goes first
            for kind in kinds:
                key = f"{case.label}|{kind}"
                w, c, last[key] = timed(jobs[key])
                wall[key].append(w)
                cpu[key].append(c)
    rows = []
    for case in cases:
        med = {k: statistics.median(wall[f"{case.label}|{k}"]) * 1000 for k in KINDS}
        cpu_med = {k: statistics.median(cpu[f"{case.label}|{k}"]) * 1000 for k in KINDS}
        spread = {k: _spread(wall[f"{case.label}|{k}"]) for k in KINDS}
        rows.append(
            {
                "case": case.label,
                "hand_ms": med["hand"],
                "generated_ms": med["generated"],
                "query_ms": med["query"],
                "generated/hand": med["generated"] / med["hand"],
                "query/hand": med["query"] / med["hand"],
                "cpu generated/hand": cpu_med["generated"] / cpu_med["hand"],
                "cpu query/hand": cpu_med["query"] / cpu_med["hand"],
                "spread hand": spread["hand"],
                "spread generated": spread["generated"],
                "_hand_rows": last[f"{case.label}|hand"],
                "_result": last[f"{case.label}|query"],
            }
        )
    return rows


def _spread(times: list[float]) -> str:
    """min–max in ms: how much the shared machine moved the runs."""
    return f"{min(times) * 1000:.0f}–{max(times) * 1000:.0f}"


def geometric_means(rows: list[dict[str, Any]]) -> dict[str, float]:
    keys = ("generated/hand", "query/hand", "cpu generated/hand", "cpu query/hand")
    return {k: statistics.geometric_mean([r[k] for r in rows]) for k in keys}
