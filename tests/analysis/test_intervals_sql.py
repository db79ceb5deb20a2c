"""Sufficient statistics computed in SQL on DuckDB and Spark feed the same intervals as raw data.

This is the contract with the engine: n, sums, sums of squares and cross-products per group, and
the order statistics at the ranks `order_statistic_ranks` gives. Here the SQL is written by hand;
the references are computed from the raw values with scipy and statsmodels.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from headway.analysis import intervals as ci
from headway.analysis.statistics import ProportionStatistic, QuantileStatistic, RatioStatistic, SampleMeanStatistic

TOL = 1e-9
RNG = np.random.default_rng(2026)
# per user: group, sessions (denominator), clicks (numerator), converted (0/1), duration (a mean)
GROUPS = ["a"] * 120 + ["b"] * 45
SESSIONS = RNG.poisson(8, len(GROUPS)) + 1
CLICKS = RNG.binomial(SESSIONS, 0.3)
CONVERTED = RNG.binomial(1, 0.2, len(GROUPS))
DURATION = RNG.lognormal(2, 0.7, len(GROUPS))
ROWS = list(zip(GROUPS, SESSIONS.tolist(), CLICKS.tolist(), CONVERTED.tolist(), DURATION.tolist(), strict=True))

MOMENTS = """
SELECT g, COUNT(*) AS n,
       SUM(duration) AS sum, SUM(duration * duration) AS sum_sq,
       SUM(converted) AS successes,
       SUM(clicks) AS num_sum, SUM(clicks * clicks) AS num_sum_sq,
       SUM(sessions) AS den_sum, SUM(sessions * sessions) AS den_sum_sq, SUM(clicks * sessions) AS num_den_sum
FROM users GROUP BY g ORDER BY g
"""
RANKED = """
SELECT g, x, rn FROM (SELECT g, duration AS x, ROW_NUMBER() OVER (PARTITION BY g ORDER BY duration) AS rn FROM users) t
"""

Run = Callable[[str], list[tuple[Any, ...]]]


def duckdb_runner() -> Run:
    con = duckdb.connect()
    con.execute("CREATE TABLE users (g VARCHAR, sessions BIGINT, clicks BIGINT, converted BIGINT, duration DOUBLE)")
    con.executemany("INSERT INTO users VALUES (?, ?, ?, ?, ?)", ROWS)
    return lambda sql: con.execute(sql).fetchall()


def spark_runner(spark: Any, folder: Path) -> Run:
    # through a Parquet file: createDataFrame from Python rows leaves a py4j socket open (a ResourceWarning)
    columns = list(zip(*ROWS, strict=True))
    names = ["g", "sessions", "clicks", "converted", "duration"]
    pq.write_table(pa.table(dict(zip(names, columns, strict=True))), folder / "users.parquet")
    spark.read.parquet(str(folder / "users.parquet")).createOrReplaceTempView("users")
    from headway.engine.backends.spark import _collect  # closes the result socket, unlike collect()

    return lambda sql: [tuple(r) for r in _collect(spark.sql(sql))]


def check(run: Run) -> None:
    moments = {row[0]: row[1:] for row in run(MOMENTS)}
    ranked: dict[str, dict[int, float]] = {}
    for g, x, rn in run(RANKED):
        ranked.setdefault(g, {})[int(rn)] = float(x)
    for g, row in moments.items():
        n, s, ss, k, xs, xss, ys, yss, xys = row
        mask = np.array(GROUPS) == g
        dur, conv, clicks, sessions = DURATION[mask], CONVERTED[mask], CLICKS[mask], SESSIONS[mask]
        # mean: t interval
        got = ci.t_interval(SampleMeanStatistic(int(n), float(s), float(ss)))
        low, high = stats.t.interval(0.95, len(dur) - 1, loc=dur.mean(), scale=stats.sem(dur))
        assert (got.low, got.high) == pytest.approx((low, high), abs=TOL)
        # proportion: Wilson
        got = ci.wilson(ProportionStatistic(int(n), float(k)))
        assert (got.low, got.high) == pytest.approx(proportion_confint(conv.sum(), len(conv), method="wilson"), abs=TOL)
        # ratio: delta method, against the linearised variance of the raw values
        got = ci.delta_ratio(RatioStatistic(int(n), float(xs), float(xss), float(ys), float(yss), float(xys)))
        r = clicks.sum() / sessions.sum()
        half = stats.norm.ppf(0.975) * np.sqrt(
            np.var(clicks - r * sessions, ddof=1) / (len(clicks) * sessions.mean() ** 2)
        )
        assert (got.low, got.high) == pytest.approx((r - half, r + half), abs=TOL)
        # median: the order statistics at the exact binomial ranks
        ranks = ci.order_statistic_ranks(int(n), 0.5)
        assert ranks is not None
        stat = QuantileStatistic(int(n), 0.5, float(np.median(dur)), ranked[g][ranks[0]], ranked[g][ranks[1]])
        got = ci.quantile_interval(stat)
        ordered = np.sort(dur)
        assert (got.low, got.high) == (ordered[ranks[0] - 1], ordered[ranks[1] - 1])


def test_statistics_from_duckdb_sql() -> None:
    check(duckdb_runner())


@pytest.mark.spark
def test_statistics_from_spark_sql(spark: Any, tmp_path: Path) -> None:
    check(spark_runner(spark, tmp_path))
