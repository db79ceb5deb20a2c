"""Cold start: a new `headway query` process against a new bare Python process running the same SQL.

The bare process imports duckdb, defines the same views and runs the SQL Headway generates, so
the difference is what Headway itself adds to a cold query: imports, loading the spec, planning
and compiling. The hand-written SQL in a bare process is shown beside it. A plain `headway query`
reads the validated spec from `.headway/spec-cache/spec.pickle` (the usual case: the spec did not change
since the last command); `headway_spec_edited` is the same query with that file deleted first, as
after an edit. The commands are run interleaved, `runs` times each; medians and spread (min–max)
are reported, in wall time and in the child process's CPU time (user + system), which load from
other processes on a shared machine disturbs far less than the wall clock. With
`BENCH_COLD_BASELINE=<folder holding another version's headway package>` that version is timed
interleaved too, for before/after figures from the same machine state. `python bench/cold.py`
runs this part alone; see bench/COLD.md for where the time goes.
"""

from __future__ import annotations

import json
import os
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
CACHE_FILE = ".headway/spec-cache/spec.pickle"  # headway/spec/cache.py: a plain query reads the validated spec from it
BASELINE = os.environ.get("BENCH_COLD_BASELINE", "")  # e.g. a `git archive` of main: timed beside this code

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
                "headway_spec_edited": command(headway, workspace, case),  # run with no spec cache (a miss)
                "bare_generated": [sys.executable, "-c", BARE, str(generated), memory],
                "bare_hand": [sys.executable, "-c", BARE, str(hand), memory],
            }
            envs = dict.fromkeys(jobs)
            if BASELINE:  # another checkout's code, timed interleaved with this one: before/after figures
                jobs["baseline"] = command(headway, workspace, case)
                envs["baseline"] = {**os.environ, "PYTHONPATH": BASELINE}
            times: dict[str, list[float]] = {k: [] for k in jobs}
            cpu: dict[str, list[float]] = {k: [] for k in jobs}
            for round_ in range(runs):
                order = list(jobs)[round_ % len(jobs) :] + list(jobs)[: round_ % len(jobs)]
                for name in order:
                    if name == "headway_spec_edited":
                        (workspace / CACHE_FILE).unlink(missing_ok=True)
                    used, started = _children_cpu(), time.perf_counter()
                    subprocess.run(jobs[name], check=True, capture_output=True, env=envs[name], cwd="/")
                    times[name].append(time.perf_counter() - started)
                    cpu[name].append(_children_cpu() - used)
            med = {k: statistics.median(v) * 1000 for k, v in times.items()}
            cpu_med = {k: statistics.median(v) * 1000 for k, v in cpu.items()}
            row = {
                "case": case.label,
                "headway_ms": med["headway"],
                "bare_same_sql_ms": med["bare_generated"],
                "bare_hand_sql_ms": med["bare_hand"],
                "overhead_ms": med["headway"] - med["bare_generated"],
                "cpu_headway_ms": cpu_med["headway"],
                "cpu_bare_ms": cpu_med["bare_generated"],
                "cpu_overhead_ms": cpu_med["headway"] - cpu_med["bare_generated"],
                "cpu_overhead_spec_edited_ms": cpu_med["headway_spec_edited"] - cpu_med["bare_generated"],
                "spread headway": _spread(times["headway"]),
                "spread bare": _spread(times["bare_generated"]),
            }
            if BASELINE:
                row["overhead_baseline_ms"] = med["baseline"] - med["bare_generated"]
                row["cpu_overhead_baseline_ms"] = cpu_med["baseline"] - cpu_med["bare_generated"]
            rows.append(row)
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
