"""Sufficient statistics as small frozen types, in the shape of GrowthBook's gbstats.

The engine returns moments per period (n, sums, sums of squares, cross-products); Python
does the closed-form statistics on these few numbers. `+` pools two groups (e.g. two slices
of the same period), which is exact because every field is a sum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

F = TypeVar("F", np.float64, np.ndarray)  # one value, or one per period: the same formula serves both


def sample_variance(n: F, total: F, total_sq: F) -> F:
    """Sample variance from n, Σx and Σx² (n - 1 in the denominator; 0 when all values are equal)."""
    return np.maximum((total_sq - total**2 / n) / (n - 1), 0.0)  # type: ignore[no-any-return]


def delta_variance(n: F, xs: F, xss: F, ys: F, yss: F, xys: F) -> F:
    """Var(mean x / mean y) by the delta method, with sample (n - 1) moments, from per-unit sums."""
    mx, my = xs / n, ys / n
    vx = (xss - n * mx * mx) / (n - 1)
    vy = (yss - n * my * my) / (n - 1)
    cxy = (xys - n * mx * my) / (n - 1)
    return np.maximum((vx / my**2 - 2 * mx * cxy / my**3 + mx**2 * vy / my**4) / n, 0.0)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class SampleMeanStatistic:
    """n values with their sum and sum of squares: a mean, or a sampled total."""

    n: int
    sum: float
    sum_sq: float

    def __add__(self, other: SampleMeanStatistic) -> SampleMeanStatistic:
        return SampleMeanStatistic(self.n + other.n, self.sum + other.sum, self.sum_sq + other.sum_sq)

    @property
    def mean(self) -> float:
        return self.sum / self.n

    @property
    def variance(self) -> float:
        """Sample variance (n - 1 in the denominator); 0 when all values are equal."""
        if self.n < 2:
            return math.nan
        return float(sample_variance(np.float64(self.n), np.float64(self.sum), np.float64(self.sum_sq)))


@dataclass(frozen=True)
class ProportionStatistic:
    """n trials and the number of successes among them."""

    n: int
    sum: float

    def __add__(self, other: ProportionStatistic) -> ProportionStatistic:
        return ProportionStatistic(self.n + other.n, self.sum + other.sum)

    @property
    def mean(self) -> float:
        return self.sum / self.n


@dataclass(frozen=True)
class RatioStatistic:
    """Per unit a numerator x and a denominator y: the ratio Σx / Σy, for the delta method."""

    n: int
    num_sum: float
    num_sum_sq: float
    den_sum: float
    den_sum_sq: float
    num_den_sum: float

    def __add__(self, other: RatioStatistic) -> RatioStatistic:
        return RatioStatistic(
            self.n + other.n,
            self.num_sum + other.num_sum,
            self.num_sum_sq + other.num_sum_sq,
            self.den_sum + other.den_sum,
            self.den_sum_sq + other.den_sum_sq,
            self.num_den_sum + other.num_den_sum,
        )

    @property
    def mean(self) -> float:
        return self.num_sum / self.den_sum

    @property
    def ratio_variance(self) -> float:
        """Var(mean x / mean y) by the delta method, with sample (n - 1) moments."""
        moments = (self.n, self.num_sum, self.num_sum_sq, self.den_sum, self.den_sum_sq, self.num_den_sum)
        return float(delta_variance(*(np.float64(m) for m in moments)))


@dataclass(frozen=True)
class QuantileStatistic:
    """A sample quantile with the order statistics the exact binomial interval needs.

    `ci_low_value` and `ci_high_value` are the values at the ranks `order_statistic_ranks`
    returns for n; the engine computes them in SQL so no row leaves it.
    """

    n: int
    q: float
    value: float | None
    ci_low_value: float | None
    ci_high_value: float | None
