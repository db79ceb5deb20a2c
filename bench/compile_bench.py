"""Planner and compiler speed on a synthetic spec: 100 metrics x 50 dimensions.

Other metric layers take minutes to plan a spec this size; Headway should
take milliseconds. Measures: loading + validating the whole spec, and
planning + generating SQL for one query per metric (3 dimensions each).
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from headway.engine.compile import render
from headway.engine.dialects import DUCKDB, SPARK
from headway.engine.plan import build_plan
from headway.engine.query import Query
from headway.spec import Grain, check_workspace

AGGS = ["sum", "count", "count_distinct", "avg", "median", "max"]


def write_spec(root: Path, metrics: int = 100, dims: int = 50) -> None:
    (root / "sources").mkdir(parents=True)
    (root / "metrics").mkdir()
    (root / "headway.yml").write_text("name: synthetic\nengine: duckdb\ntimezone: Europe/Paris\n")
    columns = "\n".join(f"      dim_{i}: {{type: string}}" for i in range(dims))
    (root / "sources" / "facts.yml").write_text(
        "sources:\n  - name: facts\n    path: data/facts.parquet\n    time: at\n    columns:\n"
        "      at: {type: timestamp}\n      amount: {type: double}\n      user_id: {type: string}\n"
        "      flag: {type: boolean}\n" + columns + "\n"
    )
    dim_list = ", ".join(f"dim_{i}" for i in range(dims))
    lines = ["metrics:"]
    for i in range(metrics):
        agg = AGGS[i % len(AGGS)]
        expr = "" if agg == "count" else (", expr: user_id" if agg == "count_distinct" else ", expr: amount")
        window = "\n    window: 28d" if i % 10 == 3 else ""
        lines.append(
            f"  - id: m_{i}\n    kind: input\n    source: facts\n    measure: {{agg: {agg}{expr}}}\n"
            f"    filter: \"flag and dim_{i % dims} <> 'x'\"\n    dimensions: [{dim_list}]{window}"
        )
    for i in range(0, metrics, 10):
        lines.append(f"  - id: r_{i}\n    kind: kpi\n    ratio: {{numerator: m_{i}, denominator: m_{i + 1}}}")
    (root / "metrics" / "all.yml").write_text("\n".join(lines) + "\n")


def run(repeats: int = 5) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_spec(root)
        load_times = []
        for _ in range(repeats):
            started = time.perf_counter()
            ws, issues = check_workspace(root)
            load_times.append(time.perf_counter() - started)
        assert ws is not None and not issues, [i.render() for i in issues]

        def bounds(_source: object, _column: str) -> tuple[dt.date, dt.date]:
            return dt.date(2025, 1, 1), dt.date(2025, 12, 31)

        compile_times = []
        for _ in range(repeats):
            started = time.perf_counter()
            for metric_id in ws.metrics:
                query = Query(metric_id, Grain.WEEK, by=("dim_1", "dim_7", "dim_42"))
                plan = build_plan(ws, query, bounds)
                render(plan, DUCKDB)
            compile_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        for metric_id in ws.metrics:
            render(build_plan(ws, Query(metric_id, Grain.WEEK, by=("dim_1",)), bounds), SPARK)
        spark_total = time.perf_counter() - started
        count = len(ws.metrics)
    return {
        "metrics": count,
        "load_validate_ms": statistics.median(load_times) * 1000,
        "compile_all_ms": statistics.median(compile_times) * 1000,
        "compile_per_metric_ms": statistics.median(compile_times) * 1000 / count,
        "compile_all_spark_ms": spark_total * 1000,
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:>24}: {value:,.2f}")
