"""`intervals_for` over whole results: the array path gives each row the reference interval and the right reason.

A result mixes rows that get an interval with rows that cannot (no value, no statistics, too few
rows, a zero denominator, below `min_sample`); the bounds are computed per column, so a row must
never take its neighbour's numbers. References: scipy's t interval, statsmodels' Wilson and
Poisson intervals, and the delta-method variance linearised from raw values.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats import rates
from statsmodels.stats.proportion import proportion_confint

from headway.analysis.uncertainty import intervals_for
from headway.engine import order_stats
from headway.engine.rows import _plain_column
from headway.spec.models import Metric

TOL = 1e-9


def metric(**fields: object) -> Metric:
    return Metric.model_validate({"id": "m", "kind": "kpi", **fields})


def mean_row(x: np.ndarray, period: str) -> dict[str, object]:
    return {"period": period, "value": float(x.mean()), "n": len(x), "sum": float(x.sum()), "sum_sq": float(x @ x)}


def test_mixed_average_rows_each_get_their_own_t_interval_or_reason() -> None:
    rng = np.random.default_rng(7)
    samples = [rng.lognormal(2, 1, n) for n in (2, 45, 45, 300, 17)]  # repeated sizes share a t quantile
    rows = [mean_row(x, f"2026-01-{i + 1:02d}") for i, x in enumerate(samples)]
    rows.insert(1, {"period": "2026-02-01", "value": None, "n": 0, "sum": None, "sum_sq": None})
    rows.insert(3, {"period": "2026-02-02", "value": 4.0, "n": 1, "sum": 4.0, "sum_sq": 16.0})
    rows.insert(4, {"period": "2026-02-03", "value": 4.0, "n": 19, "sum": None, "sum_sq": None})
    out = intervals_for(rows, metric(source="s", measure={"agg": "avg", "expr": "x"}, min_sample=10))
    got = {r["period"]: (r["ci_low"], r["ci_high"], r["status"], r["ci_method"]) for r in out}
    assert got["2026-02-01"] == (None, None, "no_data", "none")
    assert got["2026-02-02"] == (None, None, "insufficient_sample", "t")  # one value: no variance
    assert got["2026-02-03"] == (None, None, "no_statistics", "t")
    assert got["2026-01-01"] == (None, None, "insufficient_sample", "t")  # 2 values < min_sample 10
    for i, x in enumerate(samples[1:], start=2):
        low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
        row = got[f"2026-01-{i:02d}"]
        assert row[2:] == ("ok", "t")
        assert row[0] == pytest.approx(low, rel=TOL) and row[1] == pytest.approx(high, rel=TOL)
    assert [r["period"] for r in out] == [r["period"] for r in rows]  # order kept
    assert all(r["value"] == s["value"] for r, s in zip(out, rows, strict=True))  # values untouched


def test_mixed_ratio_rows_pick_wilson_or_delta_per_row() -> None:
    rng = np.random.default_rng(3)
    y = rng.poisson(10, 200).astype(float) + 1
    x = rng.binomial(y.astype(int), 0.3).astype(float)
    crossed = {
        "units": 200,
        "num_sum": x.sum(),
        "num_sum_sq": x @ x,
        "den_sum": y.sum(),
        "den_sum_sq": y @ y,
        "num_den_sum": x @ y,
        "nested": False,
    }
    nested = {"units": 80, "num_sum": 12.0, "num_sum_sq": 12.0, "den_sum": 80.0, "den_sum_sq": 80.0}
    rows = [
        {"period": "a", "value": 12 / 80, "n": 80, **nested, "num_den_sum": 12.0, "nested": True},
        {"period": "b", "value": x.sum() / y.sum(), "n": 200, **crossed},
        {"period": "c", "value": 0.2, "n": 50, "sum": 10},  # trials and successes
        {"period": "d", "value": 1.0, "n": 1, **crossed, "units": 1},
        {"period": "e", "value": 0.5, "n": 9, **crossed, "den_sum": 0.0},
        {"period": "f", "value": 0.5, "n": 9},
    ]
    share = metric(ratio={"numerator": "a", "denominator": "b"})
    out = {r["period"]: r for r in intervals_for(rows, share)}
    for other in (rows[::-1], rows[2:] + rows[:2]):  # rows lacking the pair columns first: the same answers
        assert {r["period"]: r for r in intervals_for(other, share)} == out
    for period, (k, n) in {"a": (12, 80), "c": (10, 50)}.items():
        low, high = proportion_confint(k, n, method="wilson")
        assert out[period]["ci_method"] == "wilson" and out[period]["status"] == "ok"
        assert out[period]["ci_low"] == pytest.approx(low, abs=TOL)
        assert out[period]["ci_high"] == pytest.approx(high, abs=TOL)
    r = x.sum() / y.sum()  # delta method: Var(r) ≈ Var(x - r·y) / (n · mean(y)²), from the raw values
    se = math.sqrt(np.var(x - r * y, ddof=1) / (200 * y.mean() ** 2))
    assert out["b"]["ci_method"] == "delta"
    assert out["b"]["ci_low"] == pytest.approx(r - 1.959963984540054 * se, abs=TOL)
    assert out["b"]["ci_high"] == pytest.approx(r + 1.959963984540054 * se, abs=TOL)
    assert (out["d"]["status"], out["e"]["status"], out["f"]["status"]) == (
        "insufficient_sample",
        "zero_denominator",
        "no_statistics",
    )


def test_sampled_counts_get_exact_poisson_bounds_row_by_row() -> None:
    rows = [{"period": str(c), "value": c, "n": c} for c in (0, 1, 7, 7, 250)] + [{"period": "x", "value": None}]
    out = intervals_for(rows, metric(source="s", measure={"agg": "count"}), sampled=True)
    for row, count in zip(out, (0, 1, 7, 7, 250), strict=False):
        low, high = rates.confint_poisson(count, 1, method="exact-c")
        assert row["ci_low"] == pytest.approx(low, abs=TOL) and row["ci_high"] == pytest.approx(high, abs=TOL)
    assert out[-1]["status"] == "no_data"


def test_order_statistic_ranks_for_many_sizes_match_brute_force() -> None:
    sizes = [0, 1, 5, 6, 6, 7, 40, 43, 43, 40, 1000, 1, 999, 43]  # repeats and the too-small sizes

    def brute(n: int, q: float) -> tuple[int, int] | None:
        cdf = stats.binom(n, q).cdf
        lows = [k for k in range(1, n + 1) if cdf(k - 1) <= 0.025]
        highs = [k for k in range(1, n + 1) if cdf(k - 1) >= 0.975]
        return (max(lows), min(highs)) if n and lows and highs else None

    for q in (0.5, 0.9):
        assert order_stats.ranks_many(sizes, q) == [brute(n, q) for n in sizes]


def test_result_columns_are_cleaned_only_where_needed() -> None:
    assert _plain_column((1.5, None, 0.0, 2.0)) == (1.5, None, 0.0, 2.0)
    assert _plain_column((1.5, float("nan"), None)) == [1.5, None, None]
    assert _plain_column((float("inf"), -1.0)) == [None, -1.0]
    assert _plain_column((Decimal("1.25"), None)) == [1.25, None]
    assert _plain_column((1e308, 1e308)) == [1e308, 1e308]  # the sum overflows: checked value by value, kept
    assert _plain_column((np.float64("nan"), 1.0)) == [None, 1.0]  # a float subclass is checked too
    assert _plain_column(([1.0, 2.0], ["é", "ü"])) == ([1.0, 2.0], ["é", "ü"])  # windows, text: untouched


@pytest.mark.parametrize("level", [0.8, 0.9, 0.99])
def test_other_levels_match_the_references(level: float) -> None:
    rng = np.random.default_rng(11)
    x = rng.normal(50, 12, 40)
    out = intervals_for([mean_row(x, "p")], metric(source="s", measure={"agg": "avg", "expr": "x"}), level=level)[0]
    low, high = stats.t.interval(level, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert out["ci_low"] == pytest.approx(low, rel=TOL) and out["ci_high"] == pytest.approx(high, rel=TOL)
    share = metric(ratio={"numerator": "a", "denominator": "b"})
    out = intervals_for([{"period": "p", "value": 0.3, "n": 90, "sum": 27}], share, level=level)[0]
    low, high = proportion_confint(27, 90, alpha=1 - level, method="wilson")
    assert out["ci_low"] == pytest.approx(low, abs=TOL) and out["ci_high"] == pytest.approx(high, abs=TOL)
    count = metric(source="s", measure={"agg": "count"})
    out = intervals_for([{"period": "p", "value": 12, "n": 12}], count, level=level, sampled=True)[0]
    low, high = rates.confint_poisson(12, 1, method="exact-c", alpha=1 - level)
    assert out["ci_low"] == pytest.approx(low, abs=TOL) and out["ci_high"] == pytest.approx(high, abs=TOL)


def test_ratio_masks_agree_with_the_one_row_functions_on_random_rows() -> None:
    """Each row's method, reason and bounds equal what the one-statistic functions give that row alone."""
    from headway.analysis import intervals as ci
    from headway.analysis.interval_table import ratio_statistic
    from headway.analysis.statistics import RatioStatistic

    rng = np.random.default_rng(29)
    rows: list[dict[str, object]] = []
    for i in range(300):
        row: dict[str, object] = {"period": i, "value": None if rng.random() < 0.1 else float(rng.random())}
        shape = rng.integers(0, 4)
        if shape in (0, 1):  # the pair columns, a share or not
            y = float(rng.choice([0, 0.5, 3, 40]))
            row |= {"num_sum": y / 3, "num_sum_sq": y, "den_sum": y, "den_sum_sq": y * y, "num_den_sum": y}
            row["nested"] = [True, False, None][int(rng.integers(0, 3))]
            if rng.random() < 0.7:
                row["units"] = int(rng.choice([0, 1, 2, 30]))
        if shape in (0, 2) and rng.random() < 0.8:  # trials and successes
            row |= {"n": int(rng.choice([0, 1, 25])), "sum": float(rng.integers(0, 2))}
        if shape == 3 and rng.random() < 0.5:
            row["n"] = 9
        rows.append(row)
    out = intervals_for(rows, metric(ratio={"numerator": "a", "denominator": "b"}))
    for row, got in zip(rows, out, strict=True):
        if row["value"] is None:
            assert (got["ci_low"], got["status"], got["ci_method"]) == (None, "no_data", "none")
            continue
        stat = ratio_statistic(row)
        if stat is None:
            want = ci.Interval.none("delta", ci.Reason.NO_STATISTICS)
        elif isinstance(stat, RatioStatistic):
            want = ci.delta_ratio(stat)
        else:
            want = ci.wilson(stat)
        assert (got["status"], got["ci_method"]) == (want.reason.value, want.method), row
        assert got["ci_low"] == pytest.approx(want.low, abs=TOL) if want.low is not None else got["ci_low"] is None
        assert got["ci_high"] == pytest.approx(want.high, abs=TOL) if want.high is not None else got["ci_high"] is None


@pytest.mark.parametrize("level", [0.8, 0.95, 0.999])
def test_t_quantiles_match_scipy_inside_and_beyond_the_kept_table(level: float) -> None:
    from headway.analysis import intervals as ci

    df = np.array([1, 2, 29, ci.T_TABLE, ci.T_TABLE + 1, 250_000, 3], dtype=float)  # the table's edge, both sides
    want = stats.t.ppf(0.5 + level / 2, df)
    assert ci.t_quantiles(df, level) == pytest.approx(want, rel=1e-12)
    assert ci.t_quantiles(df[:3], level) == pytest.approx(want[:3], rel=1e-12)  # all inside the table


def test_average_rows_agree_with_the_one_row_function_and_min_sample_on_random_rows() -> None:
    """Each average row's bounds and status equal `t_interval` on that row alone, then `min_sample`:
    the column path (statuses picked with masks, the all-ok and none-ok shortcuts) must not differ."""
    from headway.analysis import intervals as ci
    from headway.analysis.statistics import SampleMeanStatistic

    rng = np.random.default_rng(41)
    avg = {"source": "s", "measure": {"agg": "avg", "expr": "x"}}
    for floor in (None, 20):
        for size, ok_only in ((300, False), (40, True), (25, False)):
            rows: list[dict[str, object]] = []
            for i in range(size):
                n = 30 + int(rng.integers(0, 6000)) if ok_only else rng.choice([None, 0, 1, 2, 19, 20, 450, 5000])
                x = rng.normal(3.0, 2.0, int(n or 1))
                row = {"period": i, "value": float(x.mean()), "n": n, "sum": float(x.sum()), "sum_sq": float(x @ x)}
                if not ok_only and rng.random() < 0.1:
                    row["value"] = None
                if not ok_only and rng.random() < 0.1:
                    row["sum_sq"] = None
                rows.append(row)
            if size == 25:  # no row gets an interval
                rows = [dict(r, n=1) for r in rows]
            out = intervals_for(rows, metric(**avg, min_sample=floor))
            for row, got in zip(rows, out, strict=True):
                n, total, total_sq = row["n"], row["sum"], row["sum_sq"]
                if row["value"] is None:
                    want = ci.Interval.none("none", ci.Reason.NO_DATA)
                elif n is None or total_sq is None:
                    want = ci.Interval.none("t", ci.Reason.NO_STATISTICS)
                else:
                    want = ci.t_interval(SampleMeanStatistic(int(n), float(total), float(total_sq)))  # type: ignore[arg-type]
                if floor is not None and want.reason is not ci.Reason.NO_DATA and (n is None or n < floor):
                    want = ci.Interval.none(want.method, ci.Reason.INSUFFICIENT_SAMPLE)
                assert (got["status"], got["ci_method"]) == (want.reason.value, want.method), row
                for key, bound in (("ci_low", want.low), ("ci_high", want.high)):
                    assert got[key] == pytest.approx(bound, rel=TOL) if bound is not None else got[key] is None
                    assert bound is None or type(got[key]) is float  # JSON-ready, not numpy scalars
