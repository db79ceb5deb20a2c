"""The cost of `--ci`: the same query with and without sufficient statistics, per kind of interval.

CPU seconds of the whole process (DuckDB's threads included), median of 21 uncached runs after a
warm-up, for one metric of each kind on a demo workspace: an average (t), a ratio (delta / Wilson)
and a median (order statistics: the engine sorts each period's values). Goal: at most 1.2x.
The two queries alternate run by run, so other work on the machine weighs on both alike.
The warm-up also works out the median's binomial ranks for each period's size, which a process
keeps (`order_stats.ranks_many`); a size seen for the first time costs ~0.5 ms more.

    python bench/ci_cost.py DEMO_DIR
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from headway.analysis.uncertainty import with_uncertainty
from headway.engine import Actor, Engine, Query
from headway.spec import load_workspace
from headway.spec.models import Grain

CASES = [
    ("csat", "average: t"),
    ("logo_churn_rate", "ratio: Wilson / delta"),
    ("first_response_time", "median: order statistics"),
]
RUNS = int(os.environ.get("BENCH_CI_RUNS", "21"))


def cpu(engine: Engine, query: Query) -> float:
    started = time.process_time()
    result = engine.query(query, actor=Actor.owner(), use_cache=False)
    if query.stats:
        with_uncertainty(result, engine.workspace.metrics[query.metric])
    return time.process_time() - started


def sql_cpu(engine: Engine, query: Query) -> float:
    """The SQL `Engine.query` ran (with or without its calendar), alone on the backend: the rest is Python."""
    sql = engine.query(query, actor=Actor.owner()).sql  # the answer is cached after the first call
    started = time.process_time()
    engine.backend.execute(sql)
    return time.process_time() - started


def run(path: str) -> list[dict[str, object]]:
    engine = Engine(load_workspace(path), "duckdb")
    out: list[dict[str, object]] = []
    for metric, kind in CASES:
        if metric not in engine.workspace.metrics:
            continue
        for grain in (Grain.MONTH, Grain.DAY):
            plain, ci = Query(metric, grain), Query(metric, grain, stats=True)
            cpu(engine, plain), cpu(engine, ci)
            pairs = [(cpu(engine, plain), cpu(engine, ci)) for _ in range(RUNS)]
            a, b = (statistics.median(p[i] for p in pairs) for i in (0, 1))
            sql = [(sql_cpu(engine, plain), sql_cpu(engine, ci)) for _ in range(RUNS)]
            sa, sb = (statistics.median(p[i] for p in sql) for i in (0, 1))
            times = {"plain_ms": a * 1e3, "ci_ms": b * 1e3, "plain_sql_ms": sa * 1e3, "ci_sql_ms": sb * 1e3}
            out.append({"metric": metric, "kind": kind, "grain": grain.value, **times})
    engine.close()
    return out


def main(path: str) -> list[dict[str, object]]:
    print(f"\ncost of --ci (CPU per query, median of {RUNS}, the two alternating; goal <= 1.2x)")
    rows = run(path)
    for r in rows:
        r["ratio"] = r["ci_ms"] / r["plain_ms"]  # type: ignore[operator]
        times = f"{r['plain_ms']:7.1f} ms -> {r['ci_ms']:7.1f} ms"
        sql = f"SQL {r['plain_sql_ms']:5.1f} -> {r['ci_sql_ms']:5.1f} ms"
        print(f"  {r['kind']:<26} {r['metric']:<20} {r['grain']:<6} {times}  {r['ratio']:.2f}x   ({sql})")
    return rows


if __name__ == "__main__":
    main(sys.argv[1])
