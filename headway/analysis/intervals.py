"""Confidence intervals from sufficient statistics, one closed form per kind of value.

Each function takes a statistic (see `statistics.py`) and a confidence level and returns an
`Interval`: both bounds, or neither with a `Reason`. Nothing here reads rows. Quantiles come from
SciPy's special functions, the very routines `scipy.stats` calls underneath, without its
per-call argument checking (~0.3 ms a call: a day-grain year of intervals is 365 of them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import special

from headway.analysis.reasons import Reason
from headway.analysis.statistics import ProportionStatistic, QuantileStatistic, RatioStatistic, SampleMeanStatistic
from headway.engine import order_stats

LEVEL = 0.95


@dataclass(frozen=True)
class Interval:
    low: float | None
    high: float | None
    method: str
    reason: Reason = Reason.OK

    @classmethod
    def none(cls, method: str, reason: Reason) -> Interval:
        return cls(None, None, method, reason)


def _z(level: float) -> float:
    return float(special.ndtri(0.5 + level / 2))  # = stats.norm.ppf


def wilson(stat: ProportionStatistic, level: float = LEVEL) -> Interval:
    """Wilson score interval: stays inside [0, 1] and behaves near 0% and 100%."""
    if stat.n <= 0:
        return Interval.none("wilson", Reason.NO_DATA)
    z, n, p = _z(level), stat.n, stat.sum / stat.n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return Interval(max(centre - half, 0.0), min(centre + half, 1.0), "wilson")


def t_interval(stat: SampleMeanStatistic, level: float = LEVEL) -> Interval:
    """Student's t interval for a mean: mean ± t(n-1) · s / √n."""
    if stat.n <= 0:
        return Interval.none("t", Reason.NO_DATA)
    if stat.n < 2:
        return Interval.none("t", Reason.INSUFFICIENT_SAMPLE)
    half = float(special.stdtrit(stat.n - 1, 0.5 + level / 2)) * math.sqrt(stat.variance / stat.n)  # t.ppf
    return Interval(stat.mean - half, stat.mean + half, "t")


def delta_ratio(stat: RatioStatistic, level: float = LEVEL) -> Interval:
    """Normal interval for Σx / Σy over units, variance by the delta method."""
    if stat.n <= 0:
        return Interval.none("delta", Reason.NO_DATA)
    if stat.n < 2:
        return Interval.none("delta", Reason.INSUFFICIENT_SAMPLE)
    if stat.den_sum == 0:
        return Interval.none("delta", Reason.ZERO_DENOMINATOR)
    half = _z(level) * math.sqrt(stat.ratio_variance)
    return Interval(stat.mean - half, stat.mean + half, "delta")


def poisson_count(count: float, level: float = LEVEL) -> Interval:
    """Exact (Garwood) interval for a count of events from a sampled population."""
    alpha = 1 - level
    # chi2.ppf(p, k) = 2 * gammaincinv(k / 2, p), so half of it is gammaincinv(k / 2, p)
    low = 0.0 if count == 0 else float(special.gammaincinv(count, alpha / 2))
    high = float(special.gammaincinv(count + 1, 1 - alpha / 2))
    return Interval(low, high, "poisson")


def sampled_total(stat: SampleMeanStatistic, level: float = LEVEL) -> Interval:
    """Normal interval for a sum over a sampled population: Var(Σx) ≈ Σx² (compound Poisson).

    For a count every x is 1, so this is the Poisson variance; `poisson_count` is exact there.
    """
    if stat.n <= 0:
        return Interval.none("normal", Reason.NO_DATA)
    half = _z(level) * math.sqrt(stat.sum_sq)
    return Interval(stat.sum - half, stat.sum + half, "normal")


def order_statistic_ranks(n: int, q: float, level: float = LEVEL) -> tuple[int, int] | None:
    """1-based ranks (l, u) of a distribution-free interval for the q-quantile (None: n too small).

    One definition, the engine's, which picks the same ranks out of the windows it returns.
    """
    return order_stats.ranks(n, q, level)


def quantile_interval(stat: QuantileStatistic, level: float = LEVEL) -> Interval:
    """Distribution-free interval for a median or percentile from two order statistics."""
    if stat.n <= 0 or stat.value is None:
        return Interval.none("order_statistic", Reason.NO_DATA)
    if order_statistic_ranks(stat.n, stat.q, level) is None:
        return Interval.none("order_statistic", Reason.INSUFFICIENT_SAMPLE)
    if stat.ci_low_value is None or stat.ci_high_value is None:
        return Interval.none("order_statistic", Reason.NO_STATISTICS)
    return Interval(stat.ci_low_value, stat.ci_high_value, "order_statistic")
