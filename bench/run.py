"""`make bench`: Headway against hand-written DuckDB SQL on the medium demo, in one run.

1. The SQL floor (`floor.py`): for each demo KPI and six peer-style metrics over 5.2M events
   (`peer_sql.py`), the hand-written SQL, Headway's generated SQL and a warm `Engine.query`
   (plan + compile + run, caches off), interleaved on one connection. Every value is checked
   against the hand SQL's. Goals: generated SQL <= 1.05x the hand SQL, warm query <= 1.15x
   (geometric means).
2. Cold start (`cold.py`): a new `headway query` process against a bare Python process running
   the same SQL with duckdb. Goal: at most 0.3 s more.
3. HTTP load (`http_load.py`): `hey`, 20 clients, on `/api/v1/overview` of a real server.
4. Spark local mode on the demo KPIs, and the planner on a synthetic 100-metric spec.

`BENCH_RUNS` (default 9) sets the warm rounds, `BENCH_COLD_RUNS` (7) the cold ones;
`BENCH_SKIP_SPARK=1` and `BENCH_SKIP_HTTP=1` leave those parts out; `BENCH_ONLY_FLOOR=1` runs the
SQL floor alone. Results go to
`.bench/results.json`. The demo is generated into `.bench/demo-medium` when absent.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from alerts import main as alerts_run  # noqa: E402
from ci_cost import main as ci_cost_run  # noqa: E402
from cold import cold  # noqa: E402
from compile_bench import run as compile_run  # noqa: E402
from dashboard_bench import cards, first_visit, tree  # noqa: E402
from delivery import run as delivery_run  # noqa: E402
from floor import floor, geometric_means  # noqa: E402
from hand_sql import CASES, Case  # noqa: E402
from http_load import overview_load  # noqa: E402
from memory import memory_burst  # noqa: E402
from peer_sql import PEER_CASES, peer_workspace  # noqa: E402

from headway.engine import Actor, Engine  # noqa: E402
from headway.spec import load_workspace  # noqa: E402

OWNER = Actor.owner()  # the bench reads as the workspace owner, like the CLI

ROOT = HERE.parent
DEMO = ROOT / ".bench" / "demo-medium"
PEER = ROOT / ".bench" / "peer-workspace"
WARM_RUNS = int(os.environ.get("BENCH_RUNS", "9"))
COLD_RUNS = int(os.environ.get("BENCH_COLD_RUNS", "7"))
SPARK_RUNS = int(os.environ.get("BENCH_SPARK_RUNS", "3"))
HEADWAY = Path(sys.executable).parent / "headway"
GOALS = {"generated/hand": 1.05, "query/hand": 1.15}
COLD_GOAL_MS = 300


def ensure_demo() -> None:
    if not (DEMO / "headway.yml").exists():
        print(f"generating the medium demo into {DEMO} ...", flush=True)
        subprocess.run([str(HEADWAY), "demo", str(DEMO), "--scale", "medium", "--seed", "42"], check=True)


def agree(case: Case, headway_rows: list[dict[str, Any]], hand: list[tuple[Any, ...]]) -> str:
    """'ok' when every hand-computed value equals Headway's for the same period and dimensions."""
    dims = list(case.query.by)
    ours = {(_day(r["period"]), *[r[d] for d in dims]): r["value"] for r in headway_rows}
    for row in hand:
        key = (_day(row[0]), *row[1 : 1 + case.dims])
        theirs = float(row[1 + case.dims]) if row[1 + case.dims] is not None else None
        mine = ours.get(key)
        if theirs is None or mine is None:
            if theirs != mine:
                return f"MISMATCH at {key}: headway {mine}, hand {theirs}"
            continue
        if not math.isclose(float(mine), theirs, rel_tol=1e-9, abs_tol=1e-9):
            return f"MISMATCH at {key}: headway {mine}, hand {theirs}"
    return "ok"


def _day(period: Any) -> str:
    """A period as an ISO day: results carry dates (engine v2), the hand SQL's rows too."""
    return period.isoformat() if hasattr(period, "isoformat") else str(period)


def spark(ws: Any, baseline: dict[str, float]) -> list[dict[str, Any]]:
    engine = Engine(ws, "spark")
    out = []
    try:
        for case in CASES:
            engine.query(case.query, use_cache=False, actor=OWNER)
            times = []
            for _ in range(SPARK_RUNS):
                started = time.perf_counter()
                result = engine.query(case.query, use_cache=False, actor=OWNER)
                times.append(time.perf_counter() - started)
            seconds = sorted(times)[len(times) // 2]
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
    keys = [k for k in rows[0] if not k.startswith("_")]
    widths = {k: max(len(k), *(len(_fmt(r[k])) for r in rows)) for k in keys}
    print("  ".join(k.ljust(widths[k]) for k in keys))
    for row in rows:
        print("  ".join(_fmt(row[k]).ljust(widths[k]) for k in keys))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def sql_floor(ws: Any) -> list[dict[str, Any]]:
    engine = Engine(ws)
    try:
        rows = floor(engine, [*CASES, *PEER_CASES], str(DEMO / "data"), WARM_RUNS)
    finally:
        engine.close()
    for row, case in zip(rows, [*CASES, *PEER_CASES], strict=True):
        row["check"] = agree(case, row.pop("_result").rows, row.pop("_hand_rows"))
    return rows


def main() -> int:
    ensure_demo()
    ws = load_workspace(peer_workspace(DEMO, PEER))
    print(f"medium demo: {DEMO} (warm rounds: {WARM_RUNS}; machine: {os.cpu_count()} cores)")
    results: dict[str, Any] = {"floor": sql_floor(ws)}
    table(
        "generated SQL and warm Engine.query vs hand-written SQL, interleaved on one connection "
        "(median ms, wall; cpu = process CPU time ratio)",
        results["floor"],
    )
    means = geometric_means(results["floor"])
    results["floor_means"] = means
    for key, value in means.items():
        goal = GOALS.get(key.removeprefix("cpu "))
        print(f"geometric mean {key}: {value:.3f}x" + (f" (goal <= {goal}x)" if goal else ""))
    if os.environ.get("BENCH_ONLY_FLOOR") == "1":  # the SQL floor alone, for a quick before/after
        return 0
    engine = Engine(ws)
    try:
        results["cold"] = cold(engine, HEADWAY, PEER, CASES[:2] + PEER_CASES[:1], str(DEMO / "data"), COLD_RUNS)
    finally:
        engine.close()
    table("cold start: `headway query` vs a bare `python -c duckdb` process running the same SQL", results["cold"])
    worst = max(r["overhead_ms"] for r in results["cold"])
    worst_cpu = max(r["cpu_overhead_ms"] for r in results["cold"])
    print(f"largest cold overhead: {worst:.0f} ms wall, {worst_cpu:.0f} ms CPU (goal <= {COLD_GOAL_MS} ms)")
    if os.environ.get("BENCH_SKIP_HTTP") != "1":
        results["http"] = overview_load(HEADWAY, DEMO)
        table("HTTP load: hey, 20 clients, GET /api/v1/overview on `headway serve` (warm)", [results["http"]])
        results["memory"] = memory_burst(HEADWAY, DEMO)
        table("server memory after 12 large answers (cache bound 16 MB)", [results["memory"]])
        results["http_cards"] = overview_load(HEADWAY, DEMO, path="/api/v1/cards")
        table("HTTP load: hey, 20 clients, GET /api/v1/cards (the overview's cards, warm)", [results["http_cards"]])
        results["http_dashboard"] = overview_load(HEADWAY, DEMO, path="/api/v1/dashboards/exec")
        table(
            "HTTP load: hey, 20 clients, GET /api/v1/dashboards/exec (a demo dashboard, warm)",
            [results["http_dashboard"]],
        )
    results["tree"] = tree(DEMO)
    table("the metric tree with every link's evidence, fresh engine (goal < 1 s cold)", [results["tree"]])
    results["cards"] = cards(DEMO)
    table("the overview's cards, fresh engine, as a web visitor", [results["cards"]])
    results["first_visit"] = first_visit(DEMO)
    table("the server's warm-up (cards, tree, dashboards), then the first visitor's requests", [results["first_visit"]])
    baseline = {r["case"]: r["hand_ms"] for r in results["floor"]}
    if os.environ.get("BENCH_SKIP_SPARK") != "1":
        results["spark"] = spark(ws, baseline)
        table("Spark local mode (same compiled plan), warm", results["spark"])
    results["compile"] = compile_run()
    results["alerts"] = alerts_run()
    results["ci_cost"] = ci_cost_run(str(DEMO), (1, 10))
    table("planner: synthetic spec, 100 metrics + 10 ratios, 50 dimensions each", [results["compile"]])
    if os.environ.get("BENCH_SKIP_INGEST") != "1":
        from ingest import main as ingest_main  # tracking API throughput (bench/ingest.py)

        results["ingest"] = ingest_main()
    results["delivery"] = delivery_run()
    table("delivery webhooks: POST /webhooks/github on a real server, 2xx -> visible in a query", [results["delivery"]])
    (ROOT / ".bench").mkdir(exist_ok=True)
    (ROOT / ".bench" / "results.json").write_text(json.dumps(results, indent=2, default=str))
    failed = [r for r in results["floor"] if r["check"] != "ok"]
    for r in failed:
        print(f"\nNUMBERS DIFFER for {r['case']}: {r['check']}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
