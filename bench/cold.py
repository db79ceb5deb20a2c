"""Cold start: a new `headway query` process against a new bare Python process running the same SQL.

The bare process imports duckdb, defines the same views and runs the SQL Headway generates, so
the difference is what Headway itself adds to a cold query: imports, loading the spec, planning
and compiling. The hand-written SQL in a bare process is shown beside it. The three commands are
run interleaved, `runs` times each; medians and spread (min–max) are reported, in wall time and in
the child process's CPU time (user + system), which load from other processes on a shared machine
disturbs far less than the wall clock.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from hand_sql import Case

from headway.engine import Actor, Engine
from headway.spec.graph import leaves

OWNER = Actor.owner()  # the bench reads as the workspace owner, like the CLI

BARE = (
    "import duckdb, json, sys; c = duckdb.connect(config={'memory_limit': sys.argv[2]}); "
    "c.execute(\"SET TimeZone = 'UTC'\"); statements = json.load(open(sys.argv[1])); "
    "[c.execute(s) for s in statements[:-1]]; c.execute(statements[-1]).fetchall()"
)


def command(headway: Path, workspace: Path, case: Case) -> list[str]:
    q = case.query
    args = [str(headway), "query", q.metric, "--grain", q.grain.value, "--format", "json", "-w", str(workspace)]
    args += [a for d in q.by for a in ("--by", d)]
    return [*args, "--from", str(q.start), "--to", str(q.end)]


def statements(engine: Engine, case: Case) -> list[str]:
    """The view definitions a query reads, then the query: what the bare process runs."""
    ws = engine.workspace
    names = dict.fromkeys(ws.metrics[leaf].source for leaf in leaves(ws.metrics, case.query.metric))
    return [*(engine.view_sql(ws.sources[n]) for n in names if n), engine.sql(case.query, actor=OWNER)]


def cold(
    engine: Engine, headway: Path, workspace: Path, cases: list[Case], data: str, runs: int
) -> list[dict[str, Any]]:
    memory = engine.workspace.config.duckdb.memory_limit
    _compile_bytecode()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, case in enumerate(cases):
            generated = Path(tmp) / f"generated-{i}.json"
            generated.write_text(json.dumps(statements(engine, case)))
            hand = Path(tmp) / f"hand-{i}.json"
            hand.write_text(json.dumps([case.sql.format(data=data)]))
            jobs = {
                "headway": command(headway, workspace, case),
                "bare_generated": [sys.executable, "-c", BARE, str(generated), memory],
                "bare_hand": [sys.executable, "-c", BARE, str(hand), memory],
            }
            times: dict[str, list[float]] = {k: [] for k in jobs}
            cpu: dict[str, list[float]] = {k: [] for k in jobs}
            for round_ in range(runs):
                order = list(jobs)[round_ % 3 :] + list(jobs)[: round_ % 3]
                for name in order:
                    used, started = _children_cpu(), time.perf_counter()
                    subprocess.run(jobs[name], check=True, capture_output=True)
                    times[name].append(time.perf_counter() - started)
                    cpu[name].append(_children_cpu() - used)
            med = {k: statistics.median(v) * 1000 for k, v in times.items()}
            cpu_med = {k: statistics.median(v) * 1000 for k, v in cpu.items()}
            rows.append(
                {
                    "case": case.label,
                    "headway_ms": med["headway"],
                    "bare_same_sql_ms": med["bare_generated"],
                    "bare_hand_sql_ms": med["bare_hand"],
                    "overhead_ms": med["headway"] - med["bare_generated"],
                    "cpu_headway_ms": cpu_med["headway"],
                    "cpu_bare_ms": cpu_med["bare_generated"],
                    "cpu_overhead_ms": cpu_med["headway"] - cpu_med["bare_generated"],
                    "spread headway": _spread(times["headway"]),
                    "spread bare": _spread(times["bare_generated"]),
                }
            )
    return rows


def _compile_bytecode() -> None:
    """Headway's modules as bytecode, as `pip install` leaves them.

    An editable checkout run with PYTHONDONTWRITEBYTECODE=1 (as some shells and CI set it) would
    otherwise compile ~100 modules from source in every cold process, ~0.1 s no user pays.
    """
    import compileall

    import headway

    compileall.compile_dir(Path(headway.__file__).parent, quiet=1)


def _children_cpu() -> float:
    """CPU seconds used so far by finished child processes (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _spread(times: list[float]) -> str:
    return f"{min(times) * 1000:.0f}–{max(times) * 1000:.0f}"


def main() -> int:
    """`python bench/cold.py`: only the cold-start part of `make bench` (same cases, same workspace)."""
    import os

    from hand_sql import CASES
    from peer_sql import PEER_CASES, peer_workspace
    from run import COLD_GOAL_MS, DEMO, HEADWAY, PEER, ensure_demo, table

    from headway.spec import load_workspace

    ensure_demo()
    engine = Engine(load_workspace(peer_workspace(DEMO, PEER)))
    try:
        runs = int(os.environ.get("BENCH_COLD_RUNS", "7"))
        rows = cold(engine, HEADWAY, PEER, CASES[:2] + PEER_CASES[:1], str(DEMO / "data"), runs)
    finally:
        engine.close()
    table("cold start: `headway query` vs a bare `python -c duckdb` process running the same SQL", rows)
    worst = max(r["overhead_ms"] for r in rows)
    worst_cpu = max(r["cpu_overhead_ms"] for r in rows)
    print(f"largest cold overhead: {worst:.0f} ms wall, {worst_cpu:.0f} ms CPU (goal <= {COLD_GOAL_MS} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
