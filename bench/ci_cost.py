"""The cost of `--ci`: the same query with and without sufficient statistics, per kind of interval.

CPU seconds of the whole process (DuckDB's threads included), median of 21 uncached runs after a
warm-up, for one metric of each kind on a demo workspace: an average (t), a ratio (delta / Wilson)
and a median (order statistics: the engine sorts each period's values). Goal: at most 1.2x.
The two queries alternate run by run, so other work on the machine weighs on both alike.
The warm-up also works out the median's binomial ranks for each period's size, which a process
keeps (`order_stats.ranks_many`); a size seen for the first time costs ~0.5 ms more.

The demo's surveys and tickets are small (~15k rows each), so a query's fixed cost weighs on its
ratio. With a SCALE above 1 the average and the median are timed again with those tables repeated
SCALE times (values jittered), so the ratio can be read where the rows dominate.

    python bench/ci_cost.py DEMO_DIR [SCALE ...]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable

from headway.analysis.uncertainty import with_uncertainty
from headway.engine import Actor, Engine, Query
from headway.spec import load_workspace
from headway.spec.models import Grain

CASES = [
    ("csat", "average: t"),
    ("logo_churn_rate", "ratio: Wilson / delta"),
    ("first_response_time", "median: order statistics"),
]
# the view each scaled case reads, and the column a median's copies jitter (an average keeps its integer scores)
SCALED = {"csat": ("hw_surveys", None), "first_response_time": ("hw_tickets", "first_response_minutes")}
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


def scale_views(
    engine: Engine, scale: int, folder: str, views: Iterable[tuple[str, str | None]] = SCALED.values()
) -> None:
    """Point each view at its rows repeated `scale` times, a median's column jittered (so its ranks do
    not land on runs of ties). The engine keeps the view: its files do not change."""
    cursor = engine.backend._cursor()  # type: ignore[attr-defined]
    for view, column in views:
        path = os.path.join(folder, f"{view}.parquet")
        rows = f"t.* REPLACE ({column} * (0.5 + random()) AS {column})" if column else "t.*"
        cursor.execute(f"COPY (SELECT {rows} FROM {view} AS t, RANGE({scale})) TO '{path}' (FORMAT parquet)")
        cursor.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM read_parquet('{path}')")


def run(path: str, scale: int = 1) -> list[dict[str, object]]:
    engine = Engine(load_workspace(path), "duckdb")
    cases = [(m, k) for m, k in CASES if m in engine.workspace.metrics and (scale == 1 or m in SCALED)]
    out: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as folder:
        for metric, _ in cases:  # prepare the views before they are replaced
            engine.query(Query(metric, Grain.MONTH), actor=Actor.owner())
        if scale > 1:
            scale_views(engine, scale, folder)
        for metric, kind in cases:
            for grain in (Grain.MONTH, Grain.DAY):
                plain, ci = Query(metric, grain), Query(metric, grain, stats=True)
                cpu(engine, plain), cpu(engine, ci)
                pairs = [(cpu(engine, plain), cpu(engine, ci)) for _ in range(RUNS)]
                a, b = (statistics.median(p[i] for p in pairs) for i in (0, 1))
                sql = [(sql_cpu(engine, plain), sql_cpu(engine, ci)) for _ in range(RUNS)]
                sa, sb = (statistics.median(p[i] for p in sql) for i in (0, 1))
                times = {"plain_ms": a * 1e3, "ci_ms": b * 1e3, "plain_sql_ms": sa * 1e3, "ci_sql_ms": sb * 1e3}
                out.append({"metric": metric, "kind": kind, "grain": grain.value, "scale": scale, **times})
        engine.close()
    return out


def main(path: str, scales: tuple[int, ...] = (1,)) -> list[dict[str, object]]:
    print(f"\ncost of --ci (CPU per query, median of {RUNS}, the two alternating; goal <= 1.2x)")
    rows = [r for scale in scales for r in run(path, scale)]
    for r in rows:
        r["ratio"] = r["ci_ms"] / r["plain_ms"]  # type: ignore[operator]
        times = f"{r['plain_ms']:7.1f} ms -> {r['ci_ms']:7.1f} ms"
        sql = f"SQL {r['plain_sql_ms']:5.1f} -> {r['ci_sql_ms']:5.1f} ms"
        kind = str(r["kind"]) if r["scale"] == 1 else f"{r['kind']} (x{r['scale']})"
        print(f"  {kind:<32} {r['metric']:<20} {r['grain']:<6} {times}  {r['ratio']:.2f}x   ({sql})")
    return rows


if __name__ == "__main__":
    main(sys.argv[1], tuple(int(a) for a in sys.argv[2:]) or (1,))
