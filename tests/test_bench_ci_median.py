"""The selection trick `bench/ci_median_sql.py` times: padding a list so that its k-th smallest (or k-th largest)
value becomes the padded list's median, which DuckDB's `quantile_disc` returns without sorting.
Checked against Python's `sorted` for every rank of small lists, with ties and negative values; and the
exact binomial rank it would need, worked out in SQL, against `order_stats.ranks`."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import ci_median_sql

from headway.engine import order_stats


@pytest.mark.parametrize("n", range(1, 10))
def test_padded_median_is_the_order_statistic(n: int) -> None:
    rng = random.Random(n)
    con = duckdb.connect()
    for _ in range(5):
        values = [float(rng.choice([-2.5, 0.0, 1.0, 1.0, 3.25, 7.0, 1e9])) for _ in range(n)]
        ordered = sorted(values)
        for k in range(1, (n + 1) // 2 + 1):
            low = ci_median_sql.padded_order_statistic("?::DOUBLE[]", str(n), str(k), upper=False)
            high = ci_median_sql.padded_order_statistic("?::DOUBLE[]", str(n), str(k), upper=True)
            got = con.execute(f"SELECT {low}, {high}", [values, values]).fetchone()
            assert got == (ordered[k - 1], ordered[n - k]), (values, k)


def test_no_padding_at_the_middle_rank() -> None:
    """k = (n + 1) / 2 on an odd list: nothing is added and the median itself comes back."""
    con = duckdb.connect()
    values = "[5.0, 1.0, 3.0]::DOUBLE[]"
    sql = ci_median_sql.padded_order_statistic(values, "3", "2", upper=False)
    assert con.execute(f"SELECT LEN(LIST_RESIZE({values}, 2 * 3 + 1 - 2 * 2)), {sql}").fetchone() == (3, 3.0)


def test_exact_rank_in_sql_matches_the_binomial_ranks() -> None:
    """The lower rank worked out in SQL equals `order_stats.ranks` (SciPy's binomial) for every n up to 3,000."""
    con = duckdb.connect()
    sql = f"SELECT n, {ci_median_sql.exact_low_rank('n')} FROM RANGE(1, 3001) AS r(n) ORDER BY n"
    for n, low in con.execute(sql).fetchall():
        assert low == (order_stats.ranks(n, 0.5) or (0, 0))[0], n


def test_ci_cost_scaled_views_hold_each_row_scale_times(tmp_path: Path) -> None:
    """`bench/ci_cost.py SCALE` must time what it says: the scaled queries count `scale` times the rows
    per period (checked against the demo's Parquet files read directly), and an average's scores are
    the same scores, so its value does not move."""
    import ci_cost

    from headway.demo import generate
    from headway.engine import Actor, Engine, Query
    from headway.spec import load_workspace
    from headway.spec.models import Grain

    demo = generate(tmp_path / "acme", seed=42, scale="small").path
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")  # the demo's workspace time zone, whatever the machine's
    want = dict(
        con.execute(
            "SELECT CAST(DATE_TRUNC('month', responded_at) AS DATE), COUNT(score) FROM read_parquet(?) "
            "WHERE survey = 'csat' GROUP BY 1",
            [str(demo / "data" / "surveys.parquet")],
        ).fetchall()
    )
    engine = Engine(load_workspace(demo), "duckdb")
    before = engine.query(Query("csat", Grain.MONTH), actor=Actor.owner()).rows
    engine.query(Query("first_response_time", Grain.MONTH), actor=Actor.owner())
    ci_cost.scale_views(engine, 3, str(tmp_path))
    after = engine.query(Query("csat", Grain.MONTH), actor=Actor.owner(), use_cache=False).rows
    assert {r["period"]: r["n"] for r in after} == {p: 3 * n for p, n in want.items()}
    assert [r["value"] for r in after] == pytest.approx([r["value"] for r in before], rel=1e-12)
    tickets = engine.query(Query("first_response_time", Grain.MONTH), actor=Actor.owner(), use_cache=False).rows
    total = con.execute(
        "SELECT COUNT(first_response_minutes) FROM read_parquet(?)", [str(demo / "data" / "tickets.parquet")]
    )
    assert sum(r["n"] for r in tickets) == 3 * total.fetchone()[0]  # type: ignore[index]
    engine.close()
