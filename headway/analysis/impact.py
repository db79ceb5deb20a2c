"""Measured impact of a launch: a KPI's change in the first month and quarter, against a control segment if declared.

The engine returns the metric's daily values (one `Engine.query` per series, at day grain); the
estimate is a regression of those values on a before/after indicator:

- without a control segment, `y_t = a + b·after_t + e_t`: b is the change in the daily mean, which
  also holds whatever else moved in that window (trend, season, other launches);
- with a control segment (one dimension value the launch did not touch), the same regression on the
  daily difference of the two segments, each divided by its own mean before launch
  (`treated_t / T̄_before − control_t / C̄_before`): b is the difference-in-differences in relative
  terms, so a shock that moves both segments by the same share cancels out. It is reported at the
  treated segment's baseline; the baselines are taken as fixed (their own noise is not in the interval).

Days next to each other are correlated, so the interval uses Newey-West (HAC) standard errors with
the Bartlett kernel and `floor(4·(T/100)^(2/9))` lags, from statsmodels, and Student's t with T−2
degrees of freedom. Windows are 30 days (`month`) and 91 days (`quarter`) from the launch day,
against as many days just before it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from headway.spec.initiatives import ChangeUnit, Expected

WINDOWS = (("month", 30), ("quarter", 91))
MIN_DAYS = 7  # fewer days on either side: no estimate
LEVEL = 0.95
Series = dict[dt.date, float]


@dataclass(frozen=True)
class Estimate:
    """A before/after (or difference-in-differences) change with its interval, in the metric's unit."""

    effect: float
    low: float
    high: float
    p_value: float
    baseline: float  # the treated series' mean before launch
    n_before: int
    n_after: int
    lags: int

    def relative(self, value: float) -> float | None:
        return None if self.baseline == 0 else value / abs(self.baseline)

    def to_json(self) -> dict[str, Any]:
        rel = [self.relative(v) for v in (self.effect, self.low, self.high)]
        return {
            "baseline": self.baseline,
            "change": self.effect,
            "ci_low": self.low,
            "ci_high": self.high,
            "change_pct": rel[0],
            "ci_low_pct": rel[1],
            "ci_high_pct": rel[2],
            "p_value": self.p_value,
            "days_before": self.n_before,
            "days_after": self.n_after,
            "hac_lags": self.lags,
        }


def newey_west_lags(n: int) -> int:
    return max(1, math.floor(4 * (n / 100) ** (2 / 9)))


def before_after(before: list[float], after: list[float], baseline: float, level: float = LEVEL) -> Estimate | None:
    """OLS of the values on an after-launch indicator, with HAC standard errors; None when too few days."""
    if len(before) < MIN_DAYS or len(after) < MIN_DAYS:
        return None
    import statsmodels.api as sm

    y = np.array(before + after, dtype=float)
    x = sm.add_constant(np.r_[np.zeros(len(before)), np.ones(len(after))])
    lags = newey_west_lags(len(y))
    fit = sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": lags}, use_t=True)
    low, high = fit.conf_int(alpha=1 - level)[1]
    effect = float(fit.params[1])
    if not math.isfinite(float(fit.bse[1])):
        return None
    return Estimate(effect, float(low), float(high), float(fit.pvalues[1]), baseline, len(before), len(after), lags)


def split(series: Series, launch: dt.date, days: int, through: dt.date) -> tuple[list[float], list[float]]:
    """The values of the `days` days before launch and of the first `days` days from it (up to `through`)."""
    first, last = launch - dt.timedelta(days=days), min(launch + dt.timedelta(days=days - 1), through)
    before = [v for d, v in sorted(series.items()) if first <= d < launch]
    after = [v for d, v in sorted(series.items()) if launch <= d <= last]
    return before, after


def estimate(treated: Series, control: Series | None, launch: dt.date, days: int, through: dt.date) -> Estimate | None:
    """The change over a window: before/after on `treated`, or a difference-in-differences against `control`.

    With a control, each segment is divided by its own mean before launch, so the two are compared in
    relative terms (enterprise ARPA is many times starter's: they cannot share a trend in dollars).
    The relative difference is converted back to the metric's unit at the treated baseline.
    """
    before, after = split(treated, launch, days, through)
    if not before:
        return None
    baseline = float(np.mean(before))
    if control is None:
        return before_after(before, after, baseline)
    control_before, _ = split(control, launch, days, through)
    if not control_before or baseline == 0 or (control_base := float(np.mean(control_before))) == 0:
        return None
    paired = {d: treated[d] / baseline - control[d] / control_base for d in treated.keys() & control.keys()}
    found = before_after(*split(paired, launch, days, through), baseline=1.0)
    if found is None:
        return None
    scale = abs(baseline)
    return replace(
        found, effect=found.effect * scale, low=found.low * scale, high=found.high * scale, baseline=baseline
    )


def in_expected_unit(found: Estimate, expected: Expected) -> tuple[float, float, float] | None:
    """(change, low, high) in the unit the expectation was written in: relative or absolute."""
    values = (found.effect, found.low, found.high)
    if expected.change is ChangeUnit.ABSOLUTE:
        return values
    rel = [found.relative(v) for v in values]
    return None if any(r is None for r in rel) else (rel[0], rel[1], rel[2])  # type: ignore[return-value]


def verdict(found: Estimate | None, expected: Expected) -> str:
    """goal_met, short_of_goal, no_detectable_change, wrong_way, or no_data.

    The goal is the end of the expected range nearest zero; it is met when the interval excludes
    zero on the expected side and the estimate reaches the goal.
    """
    values = in_expected_unit(found, expected) if found is not None else None
    if values is None:
        return "no_data"
    change, low, high = values
    sign = 1.0 if expected.mid > 0 else -1.0
    if low <= 0 <= high:
        return "no_detectable_change"
    if sign * change < 0:
        return "wrong_way"
    return "goal_met" if sign * change >= sign * expected.goal else "short_of_goal"
