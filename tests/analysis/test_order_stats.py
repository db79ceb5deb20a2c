"""Order-statistic bounds for medians and percentiles from the engine, DuckDB and Spark.

Expected bounds come from numpy's sort of the raw values written here and ranks found by
brute force over SciPy's binomial CDF (not Headway's rank function).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy import stats

from headway.analysis.uncertainty import intervals_for
from headway.engine import Actor, Engine, Query
from headway.engine.order_stats import ranks
from headway.spec import load_workspace
from headway.spec.models import Grain

OWNER = Actor.owner()
ENGINES = [pytest.param("duckdb"), pytest.param("spark", marks=pytest.mark.spark)]

SPEC = {
    "headway.yml": """name: latency
engine: duckdb
timezone: UTC
default_grain: month
duckdb: {memory_limit: 512MB, threads: 2}
""",
    "sources/requests.yml": """sources:
  - name: requests
    path: data/requests.parquet
    time: ts
    columns:
      ts: {type: timestamp}
      ms: {type: double}
      route: {type: string}
""",
    "metrics/latency.yml": """metrics:
  - id: median_ms
    name: Median latency
    kind: health
    unit: ms
    source: requests
    measure: {agg: median, expr: ms}
  - id: p90_ms
    name: p90 latency
    kind: health
    unit: ms
    source: requests
    measure: {agg: percentile, expr: ms, p: 0.9}
  - id: median_ms_search
    name: Median latency of searches
    kind: health
    unit: ms
    source: requests
    measure: {agg: median, expr: ms}
    filter: "route = 'sökning'"
""",
}


def _data() -> dict[str, list[Any]]:
    """Jan: 61 values with many ties and 5 nulls; Feb: none; Mar: 5 values; Apr: 400 values, one at 23:59:59."""
    rng = np.random.default_rng(15)
    ts: list[dt.datetime] = []
    ms: list[float | None] = []
    route: list[str] = []

    def add(day: dt.datetime, value: float | None, name: str = "home") -> None:
        ts.append(day)
        ms.append(value)
        route.append(name)

    for i, v in enumerate(rng.integers(10, 20, 61)):  # ties: ten distinct values among 61
        add(dt.datetime(2026, 1, 1 + i % 28, 12), float(v), "sökning" if i % 2 else "home")
    for i in range(5):
        add(dt.datetime(2026, 1, 2 + i, 8), None)
    for v in (3.0, 1.0, 4.0, 1.0, 5.0):
        add(dt.datetime(2026, 3, 10), v)
    for i, v in enumerate(rng.lognormal(4, 0.6, 400)):
        add(dt.datetime(2026, 4, 1 + i % 30, 1), float(v), "sökning" if i % 3 == 0 else "home")
    add(dt.datetime(2026, 4, 30, 23, 59, 59), 10_000.0)
    return {"ts": ts, "ms": ms, "route": route}


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("order") / "latency"
    for name, text in SPEC.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "data").mkdir()
    data = _data()
    table = pa.table({"ts": pa.array(data["ts"], pa.timestamp("us")), "ms": data["ms"], "route": data["route"]})
    pq.write_table(table, root / "data" / "requests.parquet")
    return root


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, ws: Path) -> Iterator[Engine]:
    session = request.getfixturevalue("spark") if request.param == "spark" else None
    runner = Engine(load_workspace(ws), request.param, spark_session=session)
    yield runner
    runner.close()


def brute_ranks(n: int, q: float, level: float = 0.95) -> tuple[int, int] | None:
    """Largest l with P(B ≤ l-1) ≤ α/2, smallest u with P(B ≤ u-1) ≥ 1-α/2, B ~ Binomial(n, q)."""
    tail = (1 - level) / 2
    cdf = stats.binom.cdf(np.arange(0, n + 1), n, q)  # cdf[k] = P(B ≤ k)
    lows = [k for k in range(1, n + 1) if cdf[k - 1] <= tail]
    highs = [k for k in range(1, n + 1) if cdf[k - 1] >= 1 - tail]
    return (max(lows), min(highs)) if lows and highs else None


def expected(values: list[float], q: float, level: float = 0.95) -> tuple[float | None, float | None]:
    found = brute_ranks(len(values), q, level)
    if found is None:
        return None, None
    ordered = np.sort(np.array(values))
    return float(ordered[found[0] - 1]), float(ordered[found[1] - 1])


def by_month(route: str | None = None) -> dict[int, list[float]]:
    data = _data()
    out: dict[int, list[float]] = {1: [], 2: [], 3: [], 4: []}
    for t, v, r in zip(data["ts"], data["ms"], data["route"], strict=True):
        if v is not None and (route is None or r == route):
            out[t.month].append(v)
    return out


def query(engine: Engine, metric: str) -> list[dict[str, Any]]:
    return engine.query(Query(metric, Grain.MONTH, stats=True), actor=OWNER).rows


@pytest.mark.parametrize(
    ("metric", "q", "route"), [("median_ms", 0.5, None), ("p90_ms", 0.9, None), ("median_ms_search", 0.5, "sökning")]
)
def test_bounds_are_the_order_statistics_at_exact_binomial_ranks(
    engine: Engine, metric: str, q: float, route: str | None
) -> None:
    rows = query(engine, metric)
    months = by_month(route)
    assert [r["period"].month for r in rows] == [1, 2, 3, 4]
    for row in rows:
        values = months[row["period"].month]
        assert row["n"] == len(values)
        assert (row["ci_low_value"], row["ci_high_value"]) == expected(values, q) if values else (None, None)
        if values:
            assert row["value"] == pytest.approx(float(np.quantile(values, q)), rel=1e-12)
        assert not any(k.startswith("os_") for k in row)


def test_ties_nulls_small_and_empty_periods(engine: Engine) -> None:
    jan, feb, mar, _ = query(engine, "median_ms")
    assert jan["n"] == 61  # the five nulls are not values
    # Binomial(61, 0.5): F(22) = 0.0198 ≤ 0.025 < F(23) = 0.0361, F(37) = 0.9639 < 0.975 ≤ F(38) = 0.9802
    assert brute_ranks(61, 0.5) == (23, 39)
    ordered = sorted(by_month()[1])
    assert (jan["ci_low_value"], jan["ci_high_value"]) == (ordered[22], ordered[38])
    assert feb["value"] is None and feb["n"] == 0 and feb["ci_low_value"] is None
    assert mar["n"] == 5 and mar["value"] == 3.0 and mar["ci_low_value"] is None  # no 95% interval from 5 values


def test_analysis_reports_order_statistic_intervals(engine: Engine) -> None:
    metric = engine.workspace.metrics["median_ms"]
    _, feb, mar, apr = intervals_for(query(engine, "median_ms"), metric)
    low, high = expected(by_month()[4], 0.5)
    assert (apr["ci_low"], apr["ci_high"], apr["status"], apr["ci_method"]) == (low, high, "ok", "order_statistic")
    assert (mar["ci_low"], mar["status"]) == (None, "insufficient_sample")
    assert feb["status"] == "no_data"


def test_compared_period_gets_its_own_order_statistics(engine: Engine) -> None:
    """With `--compare previous`, each row also carries the earlier month's bounds, at that month's ranks."""
    from headway.engine.query import Compare

    result = engine.query(Query("median_ms", Grain.MONTH, stats=True, compare=Compare.PREVIOUS), actor=OWNER)
    months = by_month()
    by = {r["period"].month: r for r in result.rows}
    assert set(by) == {1, 2, 3, 4}
    for month, row in by.items():
        assert not any("os_" in k for k in row)
        now = expected(months[month], 0.5) if months[month] else (None, None)
        before = expected(months[month - 1], 0.5) if months.get(month - 1) else (None, None)
        assert (row["ci_low_value"], row["ci_high_value"]) == now
        assert (row["compare_ci_low_value"], row["compare_ci_high_value"]) == before
    assert by[4]["compare_n"] == 5 and by[2]["compare_n"] == 61  # March's 5 values, January's 61


def test_no_windows_without_stats(engine: Engine) -> None:
    row = engine.query(Query("median_ms", Grain.MONTH), actor=OWNER).rows[0]
    assert "ci_low_value" not in row and "os_low" not in row
    assert "ARRAY" not in engine.query(Query("median_ms", Grain.MONTH), actor=OWNER).sql.upper()


@pytest.mark.parametrize("n", [6, 7, 20, 61, 100, 999, 10_000, 123_457, 2_000_000])
@pytest.mark.parametrize("q", [0.5, 0.9, 0.99, 0.05])
@pytest.mark.parametrize("level", [0.8, 0.9, 0.95, 0.99])
def test_exact_rank_falls_inside_the_sql_window(n: int, q: float, level: float) -> None:
    """The SQL keeps ranks floor(n·q ∓ c·√n) - 3 … + 4, c = z·√(q·(1-q)); the exact ranks must be inside."""
    from headway.engine.order_stats import SPREAD, WIDTH

    found = ranks(n, q, level)
    if found is None:
        assert brute_ranks(n, q, level) is None
        return
    assert found == brute_ranks(n, q, level) if n <= 10_000 else True
    spread = stats.norm.ppf(0.5 + level / 2) * np.sqrt(q * (1 - q)) * np.sqrt(n)  # as the SQL writes it
    low_from = max(1, int(np.floor(n * q - spread)) - SPREAD)
    high_from = max(1, int(np.floor(n * q + spread)) + 1 - (SPREAD - 1))
    assert low_from <= found[0] < low_from + WIDTH
    assert high_from <= found[1] < high_from + WIDTH


def test_ranks_of_many_sizes_repeated_and_new_match_brute_force() -> None:
    """Sizes are kept once worked out: a second call, mixing kept and new sizes, must give the same ranks."""
    from headway.engine.order_stats import ranks_many

    first = [7, 61, 7, 400, 3]
    second = [61, 1_001, 7, 2, 400, 1_001]
    for level in (0.9, 0.95):
        for sizes in (first, second, first):
            assert ranks_many(sizes, 0.5, level) == [brute_ranks(n, 0.5, level) for n in sizes]
    assert ranks_many([], 0.5) == []


@pytest.mark.parametrize("level", [0.8, 0.9, 0.99])
def test_bounds_at_another_level_are_the_order_statistics_at_that_levels_ranks(engine: Engine, level: float) -> None:
    metric = engine.workspace.metrics["p90_ms"]
    result = engine.query(Query("p90_ms", Grain.MONTH, stats=True, level=level), actor=OWNER)
    months = by_month()
    for row in intervals_for(result.rows, metric, level=level):
        values = months[row["period"].month]
        want = expected(values, 0.9, level) if values else (None, None)
        assert (row["ci_low_value"], row["ci_high_value"]) == want
        assert (row["ci_low"], row["ci_high"]) == want
    # April's 401 values: the 80% interval is inside the 99% one, and both differ from 95%
    apr = {lv: expected(months[4], 0.9, lv) for lv in (0.8, 0.95, 0.99)}
    assert apr[0.99][0] < apr[0.8][0] and apr[0.8][1] < apr[0.99][1] and apr[0.8] != apr[0.95]


def test_a_level_outside_zero_to_one_is_refused() -> None:
    from headway.engine import QueryError

    for bad in (0, 1, 95, -0.5, float("nan")):
        with pytest.raises(QueryError, match="between 0 and 1") as caught:
            Query("median_ms", Grain.MONTH, stats=True, level=bad)
        assert caught.value.code == "bad_ci_level" and caught.value.status == 400
