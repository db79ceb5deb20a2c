"""Queries answered without their calendar join when the data has a row in every period.

The engine first runs a query of one plain scan without the calendar (`compile.frameless`) and keeps
that answer only if it holds a row for every period (and every period x dimension value); otherwise it
runs the calendar's query. These tests check the answer against hand-written DuckDB SQL over the same
file, on both paths, on both engines, with rows that have no time and with non-ASCII dimension values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from headway.engine import Actor, Engine, Query
from headway.engine.query import Compare
from headway.spec import load_workspace
from headway.spec.models import Grain

OWNER = Actor.owner()
BARE = "without the calendar"

CONFIG = """\
name: frameless
engine: duckdb
timezone: UTC
week_start: monday
default_grain: day
duckdb: {memory_limit: 512MB, threads: 2}
"""
SOURCES = """\
sources:
  - name: orders
    path: data/orders.parquet
    time: ts
    columns:
      order_id: {type: integer}
      ts: {type: timestamp}
      region: {type: string}
      amount: {type: double}
"""
METRICS = """\
metrics:
  - id: orders
    kind: input
    unit: orders
    source: orders
    measure: {agg: count}
    dimensions: [region]
  - id: revenue
    kind: kpi
    unit: EUR
    source: orders
    measure: {agg: sum, expr: amount}
    dimensions: [region]
  - id: big_orders
    kind: input
    unit: orders
    source: orders
    measure: {agg: count}
    filter: amount >= 10
  - id: big_share
    kind: health
    unit: ratio
    ratio: {numerator: big_orders, denominator: orders}
  - id: median_order
    kind: health
    unit: EUR
    source: orders
    measure: {agg: median, expr: amount}
"""

# three days; the None row has no time and must count in no day
DENSE = [
    (1, dt.datetime(2026, 3, 1, 9), "Zürich", 12.0),
    (2, dt.datetime(2026, 3, 1, 23, 59), "Łódź", 4.5),
    (3, dt.datetime(2026, 3, 2, 0, 0), "Zürich", 7.0),
    (4, dt.datetime(2026, 3, 2, 13), "Łódź", 30.0),
    (5, dt.datetime(2026, 3, 3, 8), "Zürich", 10.0),
    (6, dt.datetime(2026, 3, 3, 18), "Łódź", 1.0),
    (7, None, "Zürich", 99.0),
]
START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 3)


def write(ws: Path, rows: list[tuple[Any, ...]]) -> Path:
    (ws / "data").mkdir(parents=True, exist_ok=True)
    names = ["order_id", "ts", "region", "amount"]
    table = pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})
    path = ws / "data" / "orders.parquet"
    pq.write_table(table, path)
    return path


def workspace(root: Path, rows: list[tuple[Any, ...]]) -> Path:
    for folder in ("sources", "metrics"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "headway.yml").write_text(CONFIG, encoding="utf-8")
    (root / "sources" / "orders.yml").write_text(SOURCES, encoding="utf-8")
    (root / "metrics" / "orders.yml").write_text(METRICS, encoding="utf-8")
    write(root, rows)
    return root


def hand(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """Hand-written SQL over the raw file: `{f}` is the file."""
    return duckdb.execute(sql.format(f=f"read_parquet('{path}')")).fetchall()


def days(result: Any, *keys: str) -> list[tuple[Any, ...]]:
    return [tuple(r[k] for k in ("period", *keys)) for r in result.rows]


def same(got: list[tuple[Any, ...]], expected: list[tuple[Any, ...]]) -> None:
    """Row by row: keys equal, numbers to 1e-9."""
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert g[:-1] == e[:-1] and g[-1] == pytest.approx(e[-1], rel=1e-9)


@pytest.fixture
def dense(tmp_path: Path) -> Path:
    return workspace(tmp_path / "dense", DENSE)


@pytest.fixture
def engine(dense: Path) -> Iterator[Engine]:
    runner = Engine(load_workspace(dense))
    yield runner
    runner.close()


def test_dense_days_run_without_the_calendar_and_match_hand_sql(engine: Engine, dense: Path) -> None:
    path = dense / "data" / "orders.parquet"
    counted = engine.query(Query("orders", Grain.DAY, start=START, end=END), actor=OWNER)
    assert BARE in counted.sql and "spine" not in counted.sql
    expected = hand(path, "SELECT ts::DATE, count(*), count(*) FROM {f} WHERE ts IS NOT NULL GROUP BY 1 ORDER BY 1")
    assert days(counted, "value", "n") == expected == [(dt.date(2026, 3, d), 2, 2) for d in (1, 2, 3)]

    revenue = engine.query(Query("revenue", Grain.DAY, start=START, end=END), actor=OWNER)
    assert BARE in revenue.sql
    expected = hand(path, "SELECT ts::DATE, sum(amount) FROM {f} WHERE ts IS NOT NULL GROUP BY 1 ORDER BY 1")
    same(days(revenue, "value"), expected)

    share = engine.query(Query("big_share", Grain.DAY, start=START, end=END), actor=OWNER)
    assert BARE in share.sql
    expected = hand(
        path,
        "SELECT ts::DATE, count(*) FILTER (amount >= 10) / count(*) FROM {f} WHERE ts IS NOT NULL"
        " GROUP BY 1 ORDER BY 1",
    )
    same(days(share, "value"), expected)
    assert [r["value"] for r in share.rows] == [0.5, 0.5, 0.5]


def test_a_day_without_rows_falls_back_to_the_calendar_once(tmp_path: Path) -> None:
    gap = [r for r in DENSE if r[1] is None or r[1].date() != dt.date(2026, 3, 2)]
    root = workspace(tmp_path / "gap", gap)
    engine = Engine(load_workspace(root))
    calls: list[str] = []
    execute = engine.backend.execute

    def recording(sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        calls.append(sql)
        return execute(sql)

    engine.backend.execute = recording  # type: ignore[method-assign]
    try:
        query = Query("orders", Grain.DAY, start=START, end=END)
        first = engine.query(query, actor=OWNER, use_cache=False)
        assert "spine" in first.sql and BARE not in first.sql
        # the empty day is there, with a zero count and no rows behind it
        assert days(first, "value", "n") == [
            (dt.date(2026, 3, 1), 2, 2),
            (dt.date(2026, 3, 2), 0, 0),
            (dt.date(2026, 3, 3), 2, 2),
        ]
        ran = [s for s in calls if s.startswith("-- headway: metric")]
        assert len(ran) == 2 and BARE in ran[0] and "spine" in ran[1]
        calls.clear()
        again = engine.query(query, actor=OWNER, use_cache=False)  # same data: straight to the calendar
        assert [s for s in calls if s.startswith("-- headway: metric")] == [again.sql] and "spine" in again.sql
        assert again.rows == first.rows
        # the gap filled: the query keeps the calendar (live data changes version every few seconds, so
        # trying again after each change would cost two scans each time); a new engine tries again
        write(root, DENSE)
        filled = engine.query(query, actor=OWNER, use_cache=False)
        assert "spine" in filled.sql and [r["value"] for r in filled.rows] == [2, 2, 2]
    finally:
        engine.close()
    fresh = Engine(load_workspace(root))
    try:
        again = fresh.query(query, actor=OWNER)
        assert BARE in again.sql and [r["value"] for r in again.rows] == [2, 2, 2]
    finally:
        fresh.close()


def test_dimensions_need_every_period_x_value_to_skip_the_calendar(engine: Engine, dense: Path) -> None:
    query = Query("revenue", Grain.DAY, by=("region",), start=START, end=END)
    full = engine.query(query, actor=OWNER)
    assert BARE in full.sql
    expected = hand(
        dense / "data" / "orders.parquet",
        "SELECT ts::DATE, region, sum(amount) FROM {f} WHERE ts IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2",
    )
    same(days(full, "region", "value"), expected)
    assert {r["region"] for r in full.rows} == {"Zürich", "Łódź"}


def test_a_missing_dimension_value_in_one_period_takes_the_calendar(tmp_path: Path) -> None:
    rows = [r for r in DENSE if r[0] != 4]  # no Łódź order on March 2
    engine = Engine(load_workspace(workspace(tmp_path / "holes", rows)))
    try:
        result = engine.query(Query("orders", Grain.DAY, by=("region",), start=START, end=END), actor=OWNER)
        assert "spine" in result.sql
        got = {(r["period"], r["region"]): r["value"] for r in result.rows}
        assert len(got) == 6 and got[(dt.date(2026, 3, 2), "Łódź")] == 0 and got[(dt.date(2026, 3, 2), "Zürich")] == 1
    finally:
        engine.close()


def test_struct_and_nan_dimension_values_are_grid_members(tmp_path: Path) -> None:
    """A struct dimension comes back as a dict and NaN is not equal to itself: neither may break the check
    that the grid is full (SQL groups each as one value)."""
    root = tmp_path / "odd"
    for folder in ("sources", "metrics", "data"):
        (root / folder).mkdir(parents=True)
    (root / "headway.yml").write_text("name: odd\nengine: duckdb\ntimezone: UTC\n", encoding="utf-8")
    (root / "sources" / "ev.yml").write_text(
        "sources:\n  - name: ev\n    path: data/ev.parquet\n    time: ts\n    columns:\n"
        "      ts: {type: timestamp}\n      score: {type: double}\n"
        "      props: {type: struct, fields: {feature: string}}\n",
        encoding="utf-8",
    )
    (root / "metrics" / "m.yml").write_text(
        "metrics:\n  - {id: c, kind: input, unit: events, source: ev, measure: {agg: count},"
        " dimensions: [props, score]}\n",
        encoding="utf-8",
    )
    times = [dt.datetime(2026, 1, d, h) for d, h in ((1, 8), (1, 9), (1, 10), (2, 8), (2, 9))]
    table = pa.table(
        {
            "ts": times,
            "score": [float("nan"), float("nan"), 1.5, float("nan"), 1.5],
            "props": [{"feature": "ä"}, {"feature": "b"}, {"feature": "b"}, {"feature": "ä"}, {"feature": "b"}],
        }
    )
    pq.write_table(table, root / "data" / "ev.parquet")
    engine = Engine(load_workspace(root))
    try:
        window = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 1, 2)}
        by_struct = engine.query(Query("c", Grain.DAY, by=("props",), **window), actor=OWNER)  # type: ignore[arg-type]
        assert BARE in by_struct.sql
        assert [(r["period"], r["props"], r["value"]) for r in by_struct.rows] == [
            (dt.date(2026, 1, 1), {"feature": "b"}, 2),
            (dt.date(2026, 1, 1), {"feature": "ä"}, 1),
            (dt.date(2026, 1, 2), {"feature": "b"}, 1),
            (dt.date(2026, 1, 2), {"feature": "ä"}, 1),
        ]
        # NaN is one value to SQL (and no value in an answer): every day has it and 1.5, a full grid
        by_nan = engine.query(Query("c", Grain.DAY, by=("score",), **window), actor=OWNER)  # type: ignore[arg-type]
        assert BARE in by_nan.sql
        assert [(r["period"], r["score"], r["value"]) for r in by_nan.rows] == [
            (dt.date(2026, 1, 1), 1.5, 1),
            (dt.date(2026, 1, 1), None, 2),
            (dt.date(2026, 1, 2), 1.5, 1),
            (dt.date(2026, 1, 2), None, 1),
        ]
    finally:
        engine.close()


def test_shapes_the_frame_cannot_skip_keep_the_calendar(engine: Engine) -> None:
    compared = engine.query(Query("orders", Grain.DAY, start=START, end=END, compare=Compare.PREVIOUS), actor=OWNER)
    assert "spine" in compared.sql
    # the range starts before the data: the first day has no rows and must still be listed
    wide = engine.query(Query("orders", Grain.DAY, start=dt.date(2026, 2, 28), end=END), actor=OWNER)
    assert (wide.rows[0]["period"], wide.rows[0]["value"]) == (dt.date(2026, 2, 28), None)
    assert "spine" in wide.sql


def test_medians_with_intervals_agree_with_and_without_the_calendar(engine: Engine, dense: Path) -> None:
    import headway.engine.engine as runner

    query = Query("median_order", Grain.DAY, start=START, end=END, stats=True)
    bare = engine.query(query, actor=OWNER, use_cache=False)
    assert BARE in bare.sql
    frameless = runner.frameless
    runner.frameless = lambda plan: False  # type: ignore[assignment]
    try:
        framed = engine.query(query, actor=OWNER, use_cache=False)
    finally:
        runner.frameless = frameless
    assert "spine" in framed.sql and framed.rows == bare.rows
    expected = hand(
        dense / "data" / "orders.parquet",
        "SELECT ts::DATE, median(amount) FROM {f} WHERE ts IS NOT NULL GROUP BY 1 ORDER BY 1",
    )
    same(days(bare, "value"), expected)


def test_spark_answers_the_same_without_the_calendar(dense: Path, spark: Any) -> None:
    duck = Engine(load_workspace(dense))
    sparked = Engine(load_workspace(dense), "spark", spark_session=spark)
    try:
        for metric, by in (("revenue", ()), ("orders", ("region",)), ("big_share", ())):
            query = Query(metric, Grain.DAY, by=by, start=START, end=END)
            a, b = duck.query(query, actor=OWNER), sparked.query(query, actor=OWNER)
            assert BARE in b.sql
            assert [{k: r[k] for k in ("period", *by, "value", "n")} for r in b.rows] == [
                {k: r[k] for k in ("period", *by, "value", "n")} for r in a.rows
            ]
    finally:
        sparked.close()
        duck.close()
