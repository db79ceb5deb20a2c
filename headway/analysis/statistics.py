"""Sufficient statistics as small frozen types, in the shape of GrowthBook's gbstats.

The engine returns moments per period (n, sums, sums of squares, cross-products); Python
does the closed-form statistics on these few numbers. `+` pools two groups (e.g. two slices
of the same period), which is exact because every field is a sum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


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
        return max((self.sum_sq - self.sum**2 / self.n) / (self.n - 1), 0.0)


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
        n = self.n
        mx, my = self.num_sum / n, self.den_sum / n
        vx = (self.num_sum_sq - n * mx * mx) / (n - 1)
        vy = (self.den_sum_sq - n * my * my) / (n - 1)
        cxy = (self.num_den_sum - n * mx * my) / (n - 1)
        return max((vx / my**2 - 2 * mx * cxy / my**3 + mx**2 * vy / my**4) / n, 0.0)


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
