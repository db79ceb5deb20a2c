"""The selection trick `bench/ci_median_sql.py` times: padding a list so that its k-th smallest (or k-th largest)
value becomes the padded list's median, which DuckDB's `quantile_disc` returns without sorting.
Checked against Python's `sorted` for every rank of small lists, with ties and negative values."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import ci_median_sql


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
