"""Intervals and change tests against reference implementations on the same inputs, to 1e-9.

References: statsmodels (Wilson, Poisson, z-tests), scipy (t, Welch), a delta-method variance
derived by linearisation from the raw values, and exact binomial ranks found by brute force.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats import rates
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from headway.analysis import changes
from headway.analysis import intervals as ci
from headway.analysis.reasons import Reason
from headway.analysis.statistics import ProportionStatistic, QuantileStatistic, RatioStatistic, SampleMeanStatistic

TOL = 1e-9


def mean_stat(x: np.ndarray) -> SampleMeanStatistic:
    return SampleMeanStatistic(len(x), float(x.sum()), float((x * x).sum()))


def ratio_stat(x: np.ndarray, y: np.ndarray) -> RatioStatistic:
    return RatioStatistic(
        len(x), float(x.sum()), float((x * x).sum()), float(y.sum()), float((y * y).sum()), float((x * y).sum())
    )


@pytest.mark.parametrize(("k", "n"), [(0, 10), (1, 4), (37, 120), (999, 1000), (5000, 5000), (3, 1_000_000)])
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_wilson_matches_statsmodels(k: int, n: int, level: float) -> None:
    got = ci.wilson(ProportionStatistic(n, k), level)
    low, high = proportion_confint(k, n, alpha=1 - level, method="wilson")
    assert got.low == pytest.approx(low, abs=TOL) and got.high == pytest.approx(high, abs=TOL)


@pytest.mark.parametrize("n", [2, 3, 17, 500])
def test_t_interval_matches_scipy(n: int) -> None:
    x = np.random.default_rng(n).lognormal(3, 1, n)
    got = ci.t_interval(mean_stat(x), 0.95)
    low, high = stats.t.interval(0.95, n - 1, loc=x.mean(), scale=stats.sem(x))
    assert got.low == pytest.approx(low, abs=TOL * max(1, abs(low)))
    assert got.high == pytest.approx(high, abs=TOL * max(1, abs(high)))


def test_t_interval_needs_two_values() -> None:
    assert ci.t_interval(SampleMeanStatistic(1, 5.0, 25.0)).reason is Reason.INSUFFICIENT_SAMPLE
    assert ci.t_interval(SampleMeanStatistic(0, 0.0, 0.0)).reason is Reason.NO_DATA


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_delta_method_matches_linearisation(seed: int) -> None:
    rng = np.random.default_rng(seed)
    y = rng.poisson(20, 300).astype(float) + 1  # sessions per user
    x = rng.binomial(y.astype(int), 0.3).astype(float)  # clicks per user
    r = x.sum() / y.sum()
    # Linearisation: R - r ≈ mean((x - r y) / ȳ), so Var(R) ≈ var(x - r y) / (n ȳ²)
    var = np.var(x - r * y, ddof=1) / (len(x) * y.mean() ** 2)
    half = stats.norm.ppf(0.975) * math.sqrt(var)
    got = ci.delta_ratio(ratio_stat(x, y), 0.95)
    assert got.low == pytest.approx(r - half, abs=TOL) and got.high == pytest.approx(r + half, abs=TOL)


def test_delta_method_zero_denominator() -> None:
    assert ci.delta_ratio(RatioStatistic(3, 1, 1, 0, 0, 0)).reason is Reason.ZERO_DENOMINATOR


@pytest.mark.parametrize("count", [0, 1, 7, 250])
def test_poisson_count_matches_statsmodels_exact(count: int) -> None:
    got = ci.poisson_count(count, 0.95)
    low, high = rates.confint_poisson(count, 1, method="exact-c", alpha=0.05)
    assert got.low == pytest.approx(float(low), abs=TOL * max(1, count))
    assert got.high == pytest.approx(float(high), abs=TOL * max(1, count))


def test_sampled_total_uses_the_sum_of_squares() -> None:
    x = np.array([3.0, 5.0, 10.0])
    got = ci.sampled_total(mean_stat(x), 0.95)
    assert got.high - 18 == pytest.approx(1.959963984540054 * math.sqrt(9 + 25 + 100), abs=TOL)


def _brute_force_ranks(n: int, q: float, level: float) -> tuple[int, int] | None:
    """Largest l and smallest u with each binomial tail at most (1 - level) / 2, by summing pmfs."""
    alpha = (1 - level) / 2
    pmf = [math.comb(n, k) * q**k * (1 - q) ** (n - k) for k in range(n + 1)]
    cdf = np.cumsum(pmf)
    lows = [r for r in range(1, n + 1) if cdf[r - 1] <= alpha + 1e-12]
    highs = [u for u in range(1, n + 1) if 1 - cdf[u - 1] <= alpha + 1e-12]
    if not lows or not highs:
        return None
    return max(lows), min(highs)


@pytest.mark.parametrize("n", [1, 5, 6, 9, 20, 101, 400])
@pytest.mark.parametrize("q", [0.5, 0.9, 0.1])
def test_order_statistic_ranks_are_exact(n: int, q: float) -> None:
    assert ci.order_statistic_ranks(n, q, 0.95) == _brute_force_ranks(n, q, 0.95)


def test_median_of_five_has_no_95_percent_interval() -> None:
    # P(all five on one side of the median) = 2 / 32 = 6.25% > 5%: no two order statistics cover it
    assert ci.order_statistic_ranks(5, 0.5) is None
    assert ci.order_statistic_ranks(6, 0.5) == (1, 6)  # 2 / 64 = 3.1%
    stat = QuantileStatistic(5, 0.5, 3.0, None, None)
    assert ci.quantile_interval(stat).reason is Reason.INSUFFICIENT_SAMPLE


def test_welch_matches_scipy() -> None:
    rng = np.random.default_rng(7)
    a, b = rng.normal(10, 2, 40), rng.normal(11, 5, 25)
    got = changes.welch(mean_stat(a), mean_stat(b))
    assert got.p_value == pytest.approx(stats.ttest_ind(a, b, equal_var=False).pvalue, abs=TOL)


@pytest.mark.parametrize(("k1", "n1", "k2", "n2"), [(30, 100, 45, 110), (1, 20, 0, 25), (500, 1000, 520, 1000)])
def test_two_proportions_matches_statsmodels(k1: int, n1: int, k2: int, n2: int) -> None:
    got = changes.two_proportions(ProportionStatistic(n1, k1), ProportionStatistic(n2, k2))
    _, p = proportions_ztest([k1, k2], [n1, n2])
    assert got.p_value == pytest.approx(p, abs=TOL)


def test_two_counts_matches_statsmodels_exact_conditional() -> None:
    got = changes.two_counts(12, 5)
    assert got.p_value == pytest.approx(rates.test_poisson_2indep(12, 1, 5, 1, method="exact-cond").pvalue, abs=TOL)
    assert changes.two_counts(0, 0).reason is Reason.NO_DATA


def test_two_ratios_against_linearised_variances() -> None:
    rng = np.random.default_rng(11)
    y1, y2 = rng.poisson(20, 200) + 1.0, rng.poisson(20, 150) + 1.0
    x1, x2 = rng.binomial(y1.astype(int), 0.3) * 1.0, rng.binomial(y2.astype(int), 0.35) * 1.0

    def var(x: np.ndarray, y: np.ndarray) -> float:
        return float(np.var(x - x.sum() / y.sum() * y, ddof=1) / (len(x) * y.mean() ** 2))

    z = (x1.sum() / y1.sum() - x2.sum() / y2.sum()) / math.sqrt(var(x1, y1) + var(x2, y2))
    got = changes.compare(ratio_stat(x1, y1), ratio_stat(x2, y2))
    assert got.p_value == pytest.approx(2 * stats.norm.sf(abs(z)), abs=TOL)


def test_pooling_adds_groups() -> None:
    a, b = np.array([1.0, 2.0, 3.0]), np.array([10.0, 20.0])
    assert mean_stat(a) + mean_stat(b) == mean_stat(np.concatenate([a, b]))
    assert ProportionStatistic(10, 3) + ProportionStatistic(5, 5) == ProportionStatistic(15, 8)


# -- coverage: each interval covers the truth ~95% of the time on simulated samples -----------

RUNS = 2000


def _coverage(hits: list[bool]) -> float:
    return sum(hits) / len(hits)


def test_coverage_wilson() -> None:
    rng = np.random.default_rng(1)
    hits = []
    for k in rng.binomial(80, 0.12, RUNS):
        i = ci.wilson(ProportionStatistic(80, int(k)))
        hits.append(i.low <= 0.12 <= i.high)  # type: ignore[operator]
    assert 0.93 <= _coverage(hits) <= 0.975


def test_coverage_t() -> None:
    rng = np.random.default_rng(2)
    hits = []
    for _ in range(RUNS):
        i = ci.t_interval(mean_stat(rng.normal(5, 3, 30)))
        hits.append(i.low <= 5 <= i.high)  # type: ignore[operator]
    assert 0.93 <= _coverage(hits) <= 0.97


def test_coverage_delta() -> None:
    rng = np.random.default_rng(3)
    hits = []
    for _ in range(RUNS):
        y = rng.poisson(10, 200) + 1.0
        x = rng.binomial(y.astype(int), 0.25) * 1.0
        i = ci.delta_ratio(ratio_stat(x, y))
        hits.append(i.low <= 0.25 <= i.high)  # type: ignore[operator]
    assert 0.93 <= _coverage(hits) <= 0.97


def test_coverage_order_statistics() -> None:
    rng = np.random.default_rng(4)
    true_median = math.exp(1.0)  # lognormal(1, 1)
    ranks = ci.order_statistic_ranks(60, 0.5)
    assert ranks is not None
    hits = []
    for _ in range(RUNS):
        x = np.sort(rng.lognormal(1, 1, 60))
        hits.append(x[ranks[0] - 1] <= true_median <= x[ranks[1] - 1])
    assert 0.94 <= _coverage(hits) <= 0.99  # exact intervals are conservative by design


def test_coverage_poisson() -> None:
    rng = np.random.default_rng(5)
    hits = []
    for c in rng.poisson(40, RUNS):
        i = ci.poisson_count(int(c))
        hits.append(i.low <= 40 <= i.high)  # type: ignore[operator]
    assert 0.94 <= _coverage(hits) <= 0.99  # exact, so at least 95%
