"""Evidence grading on synthetic series whose truth is known: planted links, shared trends, no link.

The autocorrelation correction is checked four ways, none of which calls the code's own helpers:
the Pyper-Peterman sum written out over statsmodels' `acf`, the same with a hand-rolled
autocorrelation loop, Bartlett's closed form for two AR(1) series, and the false-alarm rate of
the verdict over many independent simulations.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.tsa.stattools import acf

from headway.analysis.evidence import MIN_PAIRS, Grade, Verdict, correlation_interval, effective_n, grade_link


def ar1(rng: np.random.Generator, phi: float, n: int) -> np.ndarray:
    out = np.zeros(n)
    noise = rng.normal(size=n)
    for t in range(1, n):
        out[t] = phi * out[t - 1] + noise[t]
    return out


def hand_acf(x: list[float], k: int) -> float:
    """The textbook autocorrelation estimator, one loop, no libraries."""
    mean = sum(x) / len(x)
    num = sum((x[t] - mean) * (x[t + k] - mean) for t in range(len(x) - k))
    den = sum((v - mean) ** 2 for v in x)
    return num / den


def hand_effective_n(x: list[float], y: list[float]) -> float:
    """Pyper & Peterman (1998) eq. 1: 1/N* = 1/N + (2/N) sum_{j=1}^{N/5} ((N-j)/N) rho_xx(j) rho_yy(j)."""
    n = len(x)
    total = 0.0
    for j in range(1, n // 5 + 1):
        total += (n - j) / n * hand_acf(x, j) * hand_acf(y, j)
    return 1 / (1 / n + 2 / n * total)


def statsmodels_effective_n(x: np.ndarray, y: np.ndarray) -> float:
    """The same formula over statsmodels' autocorrelation function."""
    n, horizon = len(x), len(x) // 5
    ax, ay = acf(x, nlags=horizon, fft=True), acf(y, nlags=horizon, fft=True)
    j = np.arange(1, horizon + 1)
    return float(1 / (1 / n + 2 / n * np.sum((n - j) / n * ax[1:] * ay[1:])))


@pytest.mark.parametrize("phi", [0.0, 0.5, 0.8], ids=["white", "ar0.5", "ar0.8"])
def test_effective_n_matches_the_formula_written_out(phi: float) -> None:
    rng = np.random.default_rng(7)
    x, y = ar1(rng, phi, 120), ar1(rng, phi, 120)
    by_hand = min(120.0, hand_effective_n(list(x), list(y)))
    assert effective_n(x, y) == pytest.approx(by_hand, rel=1e-9)
    assert effective_n(x, y) == pytest.approx(min(120.0, statsmodels_effective_n(x, y)), rel=1e-9)
    if phi >= 0.5:
        assert effective_n(x, y) < 100  # the correction bites on autocorrelated series


def test_effective_n_matches_bartletts_closed_form_for_two_ar1_series() -> None:
    # For AR(1) pairs, sum_j rho_x(j) rho_y(j) = a / (1 - a) with a = phi_x * phi_y,
    # so n_eff / n -> (1 - a) / (1 + a) for long series.
    rng = np.random.default_rng(11)
    phi_x, phi_y = 0.8, 0.6
    a = phi_x * phi_y
    x, y = ar1(rng, phi_x, 20_000), ar1(rng, phi_y, 20_000)
    assert effective_n(x, y) / 20_000 == pytest.approx((1 - a) / (1 + a), rel=0.06)


def test_the_interval_is_fishers_z_with_the_effective_n() -> None:
    lo, hi = correlation_interval(0.5, 28.0, 0.95) or (math.nan, math.nan)
    half = 1.959963984540054 / 5.0  # z quantile / sqrt(28 - 3)
    assert (lo, hi) == pytest.approx((math.tanh(math.atanh(0.5) - half), math.tanh(math.atanh(0.5) + half)))
    assert correlation_interval(0.5, 3.0, 0.95) is None


def test_false_alarms_stay_near_five_percent_on_independent_autocorrelated_changes() -> None:
    """Independent series whose changes are AR(1): the corrected verdict errs ~5% of the time, naive far more."""
    rng = np.random.default_rng(2026)
    runs, n, phi = 600, 60, 0.7
    corrected = naive = 0
    for _ in range(runs):
        x, y = np.cumsum(ar1(rng, phi, n)), np.cumsum(ar1(rng, phi, n))  # levels whose changes are AR(1)
        ev = grade_link(x, y, sign=1, max_lag=0)
        corrected += ev.verdict is not Verdict.NO_EVIDENCE
        r = np.corrcoef(np.diff(x), np.diff(y))[0, 1]
        naive += abs(np.arctanh(r)) * math.sqrt(n - 1 - 3) > stats.norm.ppf(0.975)
    assert corrected / runs < 0.085
    assert naive / runs > 0.15  # without the correction, one link in six would be "evidence"


def test_planted_lagged_link_is_found_with_its_lag_and_sign() -> None:
    rng = np.random.default_rng(3)
    drive = rng.normal(size=80)
    response = np.zeros(80)
    response[2:] = -0.8 * drive[:-2]
    target = np.cumsum(response + rng.normal(scale=0.4, size=80)) + 50
    driver = np.cumsum(drive) + 10
    ev = grade_link(driver, target, sign=-1, max_lag=4)
    assert (ev.grade, ev.verdict, ev.lag) == (Grade.ASSOCIATION, Verdict.SUPPORTS, 2)
    assert ev.r is not None and ev.r < -0.7 and ev.ci is not None and ev.ci[1] < 0
    assert ev.n == 79 - 2 and ev.confidence == pytest.approx(1 - 0.05 / 5)
    wrong = grade_link(driver, target, sign=1, max_lag=4)
    assert wrong.verdict is Verdict.CONTRADICTS


def test_a_shared_trend_alone_is_no_evidence() -> None:
    rng = np.random.default_rng(5)
    t = np.arange(52, dtype=float)
    x = 100 + 3 * t + rng.normal(scale=4, size=52)
    y = 20 + 0.5 * t + rng.normal(scale=1, size=52)
    assert np.corrcoef(x, y)[0, 1] > 0.9  # the levels look strongly related...
    ev = grade_link(x, y, sign=1, max_lag=4)
    assert ev.grade is Grade.ASSOCIATION and ev.verdict is Verdict.NO_EVIDENCE  # ...their changes are not


def test_too_little_data_stays_a_hypothesis() -> None:
    rng = np.random.default_rng(1)
    short = grade_link(rng.normal(size=MIN_PAIRS), rng.normal(size=MIN_PAIRS), sign=1, max_lag=0)
    assert (short.grade, short.verdict, short.reason) == (Grade.HYPOTHESIS, None, "too_few_periods")
    flat = grade_link(np.ones(40), rng.normal(size=40), sign=1, max_lag=2)
    assert (flat.grade, flat.reason) == (Grade.HYPOTHESIS, "no_variation")


def test_missing_periods_drop_only_the_changes_they_touch() -> None:
    rng = np.random.default_rng(9)
    x = np.cumsum(rng.normal(size=40))
    y = x * 2 + rng.normal(scale=0.01, size=40)
    y[10] = np.nan  # one empty period spoils two changes
    ev = grade_link(x, y, sign=1, max_lag=0)
    assert ev.n == 39 - 2 and ev.verdict is Verdict.SUPPORTS
