"""Confidence intervals from sufficient statistics, one closed form per kind of value.

Each function takes a statistic (see `statistics.py`) and a confidence level and returns an
`Interval`: both bounds, or neither with a `Reason`. Nothing here reads rows. Each closed form is
written once, over numpy arrays (`*_bounds`), so a whole result's periods are computed in one call
(`interval_table.py`); the functions on one statistic call the same code with one element.
Quantiles come from SciPy's special functions, the very routines `scipy.stats` calls underneath,
without its per-call argument checking.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from headway.analysis.reasons import Reason
from headway.analysis.statistics import (
    ProportionStatistic,
    QuantileStatistic,
    RatioStatistic,
    SampleMeanStatistic,
    delta_variance,
    sample_variance,
)
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


Bounds = tuple[np.ndarray, np.ndarray]


def wilson_bounds(n: np.ndarray, successes: np.ndarray, level: float = LEVEL) -> Bounds:
    """Wilson score bounds for each (n > 0 trials, successes)."""
    z, p = _z(level), successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return np.maximum(centre - half, 0.0), np.minimum(centre + half, 1.0)


T_TABLE = 4096  # degrees of freedom whose t quantiles are kept per level: a day's period rarely has more rows
_t_table: dict[float, np.ndarray] = {}


def t_quantiles(df: np.ndarray, level: float = LEVEL) -> np.ndarray:
    """The two-sided t quantile (`stats.t.ppf(0.5 + level / 2, df)`) for each df ≥ 1.

    The inverse t is iterative (~0.1 µs a call, but a day-grain year has hundreds of periods), so
    the quantiles of df 1..T_TABLE are worked out once per level and looked up; larger df are computed.
    """
    p = 0.5 + level / 2
    if (table := _t_table.get(level)) is None:
        table = _t_table[level] = special.stdtrit(np.arange(T_TABLE + 1, dtype=float), p)  # df 0 is NaN
    index = df.astype(np.int64)
    small = index <= T_TABLE
    if small.all():
        return table[index]  # type: ignore[no-any-return]
    out = np.empty(df.shape)
    out[small] = table[index[small]]
    out[~small] = special.stdtrit(df[~small], p)
    return out


def t_bounds(n: np.ndarray, total: np.ndarray, total_sq: np.ndarray, level: float = LEVEL) -> Bounds:
    """Student's t bounds for each mean (n ≥ 2, whole): mean ± t(n-1) · s / √n."""
    half = t_quantiles(n - 1, level) * np.sqrt(sample_variance(n, total, total_sq) / n)
    mean = total / n
    return mean - half, mean + half


def delta_bounds(moments: list[np.ndarray], level: float = LEVEL) -> Bounds:
    """Normal bounds for each Σx / Σy (n ≥ 2 units, Σy ≠ 0); moments are n, Σx, Σx², Σy, Σy², Σxy."""
    half = _z(level) * np.sqrt(delta_variance(*moments))
    mean = moments[1] / moments[3]
    return mean - half, mean + half


def poisson_bounds(count: np.ndarray, level: float = LEVEL) -> Bounds:
    """Exact (Garwood) bounds for each count of events."""
    alpha = 1 - level
    # chi2.ppf(p, k) = 2 * gammaincinv(k / 2, p), so half of it is gammaincinv(k / 2, p)
    with np.errstate(invalid="ignore"):  # gammaincinv(0, ·) is NaN; the bound there is 0
        low = np.where(count == 0, 0.0, special.gammaincinv(count, alpha / 2))
    return low, special.gammaincinv(count + 1, 1 - alpha / 2)


def normal_total_bounds(total: np.ndarray, total_sq: np.ndarray, level: float = LEVEL) -> Bounds:
    """Normal bounds for each sum over a sampled population: Var(Σx) ≈ Σx² (compound Poisson)."""
    half = _z(level) * np.sqrt(total_sq)
    return total - half, total + half


def _one(bounds: Bounds, method: str) -> Interval:
    return Interval(float(bounds[0][0]), float(bounds[1][0]), method)


def _a(value: float) -> np.ndarray:
    return np.array([value], dtype=float)


def wilson(stat: ProportionStatistic, level: float = LEVEL) -> Interval:
    """Wilson score interval: stays inside [0, 1] and behaves near 0% and 100%."""
    if stat.n <= 0:
        return Interval.none("wilson", Reason.NO_DATA)
    return _one(wilson_bounds(_a(stat.n), _a(stat.sum), level), "wilson")


def t_interval(stat: SampleMeanStatistic, level: float = LEVEL) -> Interval:
    """Student's t interval for a mean: mean ± t(n-1) · s / √n."""
    if stat.n <= 0:
        return Interval.none("t", Reason.NO_DATA)
    if stat.n < 2:
        return Interval.none("t", Reason.INSUFFICIENT_SAMPLE)
    return _one(t_bounds(_a(stat.n), _a(stat.sum), _a(stat.sum_sq), level), "t")


def delta_ratio(stat: RatioStatistic, level: float = LEVEL) -> Interval:
    """Normal interval for Σx / Σy over units, variance by the delta method."""
    if stat.n <= 0:
        return Interval.none("delta", Reason.NO_DATA)
    if stat.n < 2:
        return Interval.none("delta", Reason.INSUFFICIENT_SAMPLE)
    if stat.den_sum == 0:
        return Interval.none("delta", Reason.ZERO_DENOMINATOR)
    moments = [_a(m) for m in (stat.n, stat.num_sum, stat.num_sum_sq, stat.den_sum, stat.den_sum_sq, stat.num_den_sum)]
    return _one(delta_bounds(moments, level), "delta")


def poisson_count(count: float, level: float = LEVEL) -> Interval:
    """Exact (Garwood) interval for a count of events from a sampled population."""
    return _one(poisson_bounds(_a(count), level), "poisson")


def sampled_total(stat: SampleMeanStatistic, level: float = LEVEL) -> Interval:
    """Normal interval for a sum over a sampled population: Var(Σx) ≈ Σx² (compound Poisson).

    For a count every x is 1, so this is the Poisson variance; `poisson_count` is exact there.
    """
    if stat.n <= 0:
        return Interval.none("normal", Reason.NO_DATA)
    return _one(normal_total_bounds(_a(stat.sum), _a(stat.sum_sq), level), "normal")


def order_statistic_ranks(n: int, q: float, level: float = LEVEL) -> tuple[int, int] | None:
    """1-based ranks (l, u) of a distribution-free interval for the q-quantile (None: n too small).

    One definition, the engine's, which picks the same ranks out of the windows it returns.
    """
    return order_stats.ranks(n, q, level)


def order_statistic_ranks_many(ns: list[int], q: float, level: float = LEVEL) -> list[tuple[int, int] | None]:
    """`order_statistic_ranks` for each size, in one go."""
    return order_stats.ranks_many(ns, q, level)


def quantile_interval(stat: QuantileStatistic, level: float = LEVEL) -> Interval:
    """Distribution-free interval for a median or percentile from two order statistics."""
    if stat.n <= 0 or stat.value is None:
        return Interval.none("order_statistic", Reason.NO_DATA)
    if order_statistic_ranks(stat.n, stat.q, level) is None:
        return Interval.none("order_statistic", Reason.INSUFFICIENT_SAMPLE)
    if stat.ci_low_value is None or stat.ci_high_value is None:
        return Interval.none("order_statistic", Reason.NO_STATISTICS)
    return Interval(stat.ci_low_value, stat.ci_high_value, "order_statistic")
