"""`make bench`: Headway against hand-written DuckDB SQL on the medium demo, in one run.

For each demo KPI the same numbers are computed twice on the same files: by
`Engine.query` (plan + compile + run, result cache off) and by hand-written
SQL on a DuckDB connection with the same settings. Times are medians of warm
runs; the ratio is Headway / hand. Cold start (a fresh `headway query` process
against a fresh `python -c duckdb...` process), Spark local mode, and the
compile time of a synthetic 100-metric x 50-dimension spec are reported beside.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from compile_bench import run as compile_run  # noqa: E402
from dashboard_bench import overview_load, tree  # noqa: E402
from hand_sql import CASES, Case  # noqa: E402

from headway.engine import Actor, Engine  # noqa: E402
from headway.spec import load_workspace  # noqa: E402

OWNER = Actor.owner()

ROOT = HERE.parent
DEMO = ROOT / ".bench" / "demo-medium"
WARM_RUNS = int(os.environ.get("BENCH_RUNS", "7"))
SPARK_RUNS = int(os.environ.get("BENCH_SPARK_RUNS", "3"))
HEADWAY = Path(sys.executable).parent / "headway"


def ensure_demo() -> None:
    if not (DEMO / "headway.yml").exists():
        print(f"generating the medium demo into {DEMO} ...", flush=True)
        subprocess.run([str(HEADWAY), "demo", str(DEMO), "--scale", "medium", "--seed", "42"], check=True)


def median_time(fn: Any, runs: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(runs):
        started = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), out


def hand_rows(con: duckdb.DuckDBPyConnection, case: Case) -> list[tuple[Any, ...]]:
    return con.execute(case.sql.format(data=DEMO / "data")).fetchall()


def agree(case: Case, headway_rows: list[dict[str, Any]], hand: list[tuple[Any, ...]]) -> str:
    """'ok' when every hand-computed value equals Headway's for the same period and dimensions."""
    dims = list(case.query.by)
    ours = {(r["period"], *[r[d] for d in dims]): r["value"] for r in headway_rows}
    for row in hand:
        key = (row[0].isoformat(), *row[1 : 1 + case.dims])
        theirs = float(row[1 + case.dims]) if row[1 + case.dims] is not None else None
        mine = ours.get(key)
        if theirs is None or mine is None:
            if theirs != mine:
                return f"MISMATCH at {key}: headway {mine}, hand {theirs}"
            continue
        if not math.isclose(float(mine), theirs, rel_tol=1e-9, abs_tol=1e-9):
            return f"MISMATCH at {key}: headway {mine}, hand {theirs}"
    return "ok"


def warm(ws: Any) -> list[dict[str, Any]]:
    engine = Engine(ws)
    con = duckdb.connect(config={"memory_limit": ws.config.duckdb.memory_limit})
    con.execute("SET TimeZone = 'UTC'")
    results = []
    for case in CASES:
        hand_rows(con, case)
        engine.query(case.query, use_cache=False, actor=OWNER)  # first touch: file metadata, views
        hand_s, hand = median_time(lambda c=case: hand_rows(con, c), WARM_RUNS)
        fresh_s, result = median_time(
            lambda c=case: engine.query(c.query, use_cache=False, use_plan_cache=False, actor=OWNER), WARM_RUNS
        )
        ours_s, _ = median_time(lambda c=case: engine.query(c.query, use_cache=False, actor=OWNER), WARM_RUNS)
        compile_s, _ = median_time(lambda c=case: engine.sql(c.query, actor=OWNER), WARM_RUNS)
        cached_s, _ = median_time(lambda c=case: engine.query(c.query, actor=OWNER), WARM_RUNS)
        results.append(
            {
                "case": case.label,
                "hand_ms": hand_s * 1000,
                "compile+run_ms": fresh_s * 1000,
                "ratio": fresh_s / hand_s,
                "plan_cached_ms": ours_s * 1000,
                "ratio_plan_cached": ours_s / hand_s,
                "compile_ms": compile_s * 1000,
                "result_cached_ms": cached_s * 1000,
                "rows": len(result.rows),
                "check": agree(case, result.rows, hand),
            }
        )
    engine.close()
    return results


def cold(ws: Any) -> list[dict[str, Any]]:
    out = []
    for case in CASES[:3]:
        q = case.query
        args = [str(HEADWAY), "query", q.metric, "--grain", q.grain.value, "--format", "json", "-w", str(DEMO)]
        args += [a for d in q.by for a in ("--by", d)]
        args += ["--from", str(q.start), "--to", str(q.end)]
        script = (
            "import duckdb; c = duckdb.connect(); c.execute(\"SET TimeZone='UTC'\"); "
            f"c.execute({case.sql.format(data=DEMO / 'data')!r}).fetchall()"
        )
        ours_s, _ = median_time(lambda a=args: subprocess.run(a, check=True, capture_output=True), 3)
        hand_s, _ = median_time(lambda s=script: subprocess.run([sys.executable, "-c", s], check=True), 3)
        out.append(
            {"case": case.label, "hand_ms": hand_s * 1000, "headway_ms": ours_s * 1000, "ratio": ours_s / hand_s}
        )
    return out


def spark(ws: Any, baseline: dict[str, float]) -> list[dict[str, Any]]:
    engine = Engine(ws, "spark")
    out = []
    try:
        for case in CASES:
            engine.query(case.query, use_cache=False, actor=OWNER)
            seconds, result = median_time(
                lambda c=case: engine.query(c.query, use_cache=False, actor=OWNER), SPARK_RUNS
            )
            out.append(
                {
                    "case": case.label,
                    "spark_ms": seconds * 1000,
                    "vs_hand_duckdb": seconds * 1000 / baseline[case.label],
                    "rows": len(result.rows),
                }
            )
    finally:
        engine.close()
    return out


def table(title: str, rows: list[dict[str, Any]]) -> None:
    print(f"\n{title}")
    if not rows:
        return
    keys = list(rows[0])
    widths = {k: max(len(k), *(len(_fmt(r[k])) for r in rows)) for k in keys}
    print("  ".join(k.ljust(widths[k]) for k in keys))
    for row in rows:
        print("  ".join(_fmt(row[k]).ljust(widths[k]) for k in keys))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def main() -> int:
    ensure_demo()
    ws = load_workspace(DEMO)
    print(f"medium demo: {DEMO} (warm runs: {WARM_RUNS}; machine: {os.cpu_count()} cores)")
    results: dict[str, Any] = {"warm": warm(ws)}
    table("warm process: Headway vs hand-written DuckDB SQL (median ms; ratio = Headway / hand)", results["warm"])
    for key, what in (("ratio", "compiling every time"), ("ratio_plan_cached", "with the plan cache")):
        ratios = [r[key] for r in results["warm"]]
        print(f"geometric mean ratio, {what}: {statistics.geometric_mean(ratios):.2f}x (goal <= 1.2x)")
    results["cold"] = cold(ws)
    table("cold start: `headway query` process vs `python -c duckdb` process", results["cold"])
    baseline = {r["case"]: r["hand_ms"] for r in results["warm"]}
    if os.environ.get("BENCH_SKIP_SPARK") != "1":
        results["spark"] = spark(ws, baseline)
        table("Spark local mode (same compiled plan), warm", results["spark"])
    results["compile"] = compile_run()
    table("planner: synthetic spec, 100 metrics + 10 ratios, 50 dimensions each", [results["compile"]])
    results["tree"] = tree(DEMO)
    table("metric tree with every link's evidence (issue 14)", [results["tree"]])
    results["overview_load"] = overview_load(DEMO)
    table("overview under load: hey, 20 concurrent clients, real server (issue 14)", results["overview_load"])
    (ROOT / ".bench").mkdir(exist_ok=True)
    (ROOT / ".bench" / "results.json").write_text(json.dumps(results, indent=2))
    failed = [r for r in results["warm"] if r["check"] != "ok"]
    for r in failed:
        print(f"\nNUMBERS DIFFER for {r['case']}: {r['check']}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
