"""Is this change real? A test and a p-value for period-over-period and year-over-year changes.

Both periods' sufficient statistics go in; a `ChangeTest` comes out: the p-value of "no
change", whether it is significant at `alpha`, or no p-value with a `Reason`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from headway.analysis.reasons import Reason
from headway.analysis.statistics import ProportionStatistic, RatioStatistic, SampleMeanStatistic

ALPHA = 0.05
Statistic = SampleMeanStatistic | ProportionStatistic | RatioStatistic


@dataclass(frozen=True)
class ChangeTest:
    test: str
    p_value: float | None
    reason: Reason = Reason.OK

    def significant(self, alpha: float = ALPHA) -> bool:
        return self.p_value is not None and self.p_value < alpha

    def to_json(self, alpha: float = ALPHA) -> dict[str, object]:
        return {
            "test": self.test,
            "p_value": self.p_value,
            "significant": self.significant(alpha),
            "status": self.reason,
        }


def _two_sided_z(z: float) -> float:
    return float(2 * stats.norm.sf(abs(z)))


def welch(current: SampleMeanStatistic, previous: SampleMeanStatistic) -> ChangeTest:
    """Welch's t-test on two means (unequal variances)."""
    if current.n < 2 or previous.n < 2:
        return ChangeTest("welch_t", None, Reason.INSUFFICIENT_SAMPLE)
    a, b = current.variance / current.n, previous.variance / previous.n
    if a + b == 0:
        return ChangeTest("welch_t", None, Reason.NOT_ESTIMABLE)
    t = (current.mean - previous.mean) / math.sqrt(a + b)
    df = (a + b) ** 2 / (a * a / (current.n - 1) + b * b / (previous.n - 1))
    return ChangeTest("welch_t", float(2 * stats.t.sf(abs(t), df)))


def two_proportions(current: ProportionStatistic, previous: ProportionStatistic) -> ChangeTest:
    """Two-proportion z-test with the pooled proportion under 'no change'."""
    if current.n < 1 or previous.n < 1:
        return ChangeTest("two_proportion_z", None, Reason.INSUFFICIENT_SAMPLE)
    pooled = (current.sum + previous.sum) / (current.n + previous.n)
    se = math.sqrt(pooled * (1 - pooled) * (1 / current.n + 1 / previous.n))
    if se == 0:
        return ChangeTest("two_proportion_z", None, Reason.NOT_ESTIMABLE)
    return ChangeTest("two_proportion_z", _two_sided_z((current.mean - previous.mean) / se))


def two_ratios(current: RatioStatistic, previous: RatioStatistic) -> ChangeTest:
    """z-test on the difference of two independent ratios, each variance by the delta method."""
    if current.n < 2 or previous.n < 2:
        return ChangeTest("delta_z", None, Reason.INSUFFICIENT_SAMPLE)
    if current.den_sum == 0 or previous.den_sum == 0:
        return ChangeTest("delta_z", None, Reason.ZERO_DENOMINATOR)
    se = math.sqrt(current.ratio_variance + previous.ratio_variance)
    if se == 0:
        return ChangeTest("delta_z", None, Reason.NOT_ESTIMABLE)
    return ChangeTest("delta_z", _two_sided_z((current.mean - previous.mean) / se))


def two_counts(current: float, previous: float) -> ChangeTest:
    """Exact conditional test for two Poisson counts over equal exposure: binomial given the total."""
    total = int(current + previous)
    if total == 0:
        return ChangeTest("poisson_exact", None, Reason.NO_DATA)
    return ChangeTest("poisson_exact", float(stats.binomtest(int(current), total, 0.5).pvalue))


def compare(current: Statistic, previous: Statistic) -> ChangeTest:
    """The test that fits the pair's type."""
    match current, previous:
        case ProportionStatistic(), ProportionStatistic():
            return two_proportions(current, previous)
        case RatioStatistic(), RatioStatistic():
            return two_ratios(current, previous)
        case SampleMeanStatistic(), SampleMeanStatistic():
            return welch(current, previous)
    raise TypeError(f"cannot compare {type(current).__name__} with {type(previous).__name__}")
