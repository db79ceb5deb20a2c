"""How strongly the data backs a declared `contributes_to` link: numbers in, a graded verdict out.

Method, in order:

1. Both series are differenced (period-over-period change), so two metrics that merely share a
   trend (both grow with the company) do not look related.
2. For each lag k in 0..K periods, the Pearson correlation of the driver's change at t with the
   target's change at t + k. The best lag is the one with the largest |r|.
3. The confidence interval is Fisher's z interval with an **effective sample size** instead of n:
   autocorrelated series carry less independent information than their length suggests. We use
   Bartlett's (1935) large-sample variance of a cross-correlation, in the form of Pyper & Peterman
   (1998): 1/n_eff = 1/n + (2/n) * sum_{j=1..n/5} ((n - j)/n) * acf_x(j) * acf_y(j).
4. Picking the best of K + 1 lags is K + 1 tries, so the interval is widened by Bonferroni
   (level 1 - 0.05 / (K + 1)).
5. Verdict: the interval excludes 0 on the declared side -> supports; on the other side ->
   contradicts; it includes 0 -> no evidence. Too little data -> the link stays a hypothesis.

This is association, never proof: a common cause moves both series too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from statistics import NormalDist
from typing import Any

import numpy as np

ALPHA = 0.05
MIN_PAIRS = 12  # fewer lagged pairs of changes than this: not enough data to grade a link
METHOD = "lagged correlation of period-over-period changes; Fisher z interval with the Bartlett effective sample size"


class Grade(StrEnum):
    """Strongest first. Experiment and counterfactual are reserved for later features."""

    EXPERIMENT = "experiment"
    COUNTERFACTUAL = "counterfactual"
    ASSOCIATION = "association"
    HYPOTHESIS = "hypothesis"


class Verdict(StrEnum):
    SUPPORTS = "supports"
    NO_EVIDENCE = "no_evidence"
    CONTRADICTS = "contradicts"


@dataclass(frozen=True)
class LagCorrelation:
    lag: int
    r: float | None
    n: int

    def to_json(self) -> dict[str, Any]:
        return {"lag": self.lag, "r": self.r, "n": self.n}


@dataclass(frozen=True)
class Evidence:
    grade: Grade
    verdict: Verdict | None = None
    declared_sign: int = 1
    lag: int | None = None  # periods
    r: float | None = None
    ci: tuple[float, float] | None = None
    confidence: float | None = None
    n: int = 0
    n_effective: float | None = None
    lags: list[LagCorrelation] = field(default_factory=list)
    reason: str | None = None  # why there is no association grade: too_few_periods, no_variation, ...
    period: str = "period"

    def to_json(self) -> dict[str, Any]:
        return {
            "grade": self.grade.value,
            "verdict": self.verdict.value if self.verdict else None,
            "lag_periods": self.lag,
            "r": self.r,
            "ci": list(self.ci) if self.ci else None,
            "confidence": self.confidence,
            "n": self.n,
            "n_effective": self.n_effective,
            "lags": [c.to_json() for c in self.lags],
            "reason": self.reason,
            "method": METHOD,
            "summary": summary(self),
        }


def autocorrelation(x: np.ndarray, nlags: int) -> np.ndarray:
    """Sample autocorrelation at lags 0..nlags, the usual biased estimator (statsmodels' `acf`)."""
    centred = x - x.mean()
    denominator = float(centred @ centred)
    return np.array([float(centred[: len(x) - k] @ centred[k:]) / denominator for k in range(nlags + 1)])


def effective_n(x: np.ndarray, y: np.ndarray) -> float:
    """Bartlett/Pyper-Peterman effective sample size of the correlation of two equal-length series."""
    n = len(x)
    horizon = max(1, n // 5)
    ax = autocorrelation(x, horizon)
    ay = autocorrelation(y, horizon)
    j = np.arange(1, horizon + 1)
    inverse = 1 / n + (2 / n) * float(np.sum((n - j) / n * ax[1:] * ay[1:]))
    return float(min(n, max(1.0, 1 / inverse))) if inverse > 0 else float(n)


def correlation_interval(r: float, n_eff: float, level: float) -> tuple[float, float] | None:
    """Fisher z interval for r with n_eff independent pairs; None when n_eff <= 3 leaves no width."""
    if n_eff <= 3:
        return None
    quantile = NormalDist().inv_cdf(0.5 + level / 2)
    z = math.atanh(max(-0.999999, min(0.999999, r)))
    half = quantile / math.sqrt(n_eff - 3)
    return (math.tanh(z - half), math.tanh(z + half))


def lagged_pairs(dx: np.ndarray, dy: np.ndarray, lag: int) -> tuple[np.ndarray, np.ndarray]:
    """(driver change at t, target change at t + lag), keeping only pairs where both are known."""
    x, y = dx[: len(dx) - lag], dy[lag:]
    keep = ~(np.isnan(x) | np.isnan(y))
    return x[keep], y[keep]


def grade_link(driver: np.ndarray, target: np.ndarray, sign: int, max_lag: int, period: str = "period") -> Evidence:
    """Grade a declared link from two aligned level series (NaN = no value); `sign` is +1 or -1.

    `period` names one step of the series ("week") in the plain-words summary.
    """
    dx, dy = np.diff(np.asarray(driver, dtype=float)), np.diff(np.asarray(target, dtype=float))
    tried: list[LagCorrelation] = []
    best: tuple[float, int, np.ndarray, np.ndarray] | None = None
    for lag in range(max_lag + 1):
        x, y = lagged_pairs(dx, dy, lag)
        if len(x) < MIN_PAIRS or np.std(x) == 0 or np.std(y) == 0:
            tried.append(LagCorrelation(lag, None, len(x)))
            continue
        r = float(np.corrcoef(x, y)[0, 1])
        tried.append(LagCorrelation(lag, r, len(x)))
        if best is None or abs(r) > abs(best[0]):
            best = (r, lag, x, y)
    if best is None:
        most = max((c.n for c in tried), default=0)
        reason = "too_few_periods" if most < MIN_PAIRS else "no_variation"
        return Evidence(Grade.HYPOTHESIS, declared_sign=sign, n=most, lags=tried, reason=reason, period=period)
    r, lag, x, y = best
    level = 1 - ALPHA / (max_lag + 1)
    n_eff = effective_n(x, y)
    ci = correlation_interval(r, n_eff, level)
    if ci is None:
        return Evidence(
            Grade.HYPOTHESIS, declared_sign=sign, n=len(x), lags=tried, reason="too_few_periods", period=period
        )
    return Evidence(
        Grade.ASSOCIATION,
        _verdict(ci, sign),
        declared_sign=sign,
        lag=lag,
        r=r,
        ci=ci,
        confidence=level,
        n=len(x),
        n_effective=n_eff,
        lags=tried,
        period=period,
    )


def _verdict(ci: tuple[float, float], sign: int) -> Verdict:
    if ci[0] > 0 or ci[1] < 0:
        observed = 1 if ci[0] > 0 else -1
        return Verdict.SUPPORTS if observed == sign else Verdict.CONTRADICTS
    return Verdict.NO_EVIDENCE


def summary(ev: Evidence) -> str:
    """One sentence in plain words, for people who do not read confidence intervals."""
    if ev.grade is Grade.HYPOTHESIS:
        why = {
            "too_few_periods": "not enough periods of data on both metrics to tell",
            "no_variation": "one of the metrics never changes, so there is nothing to compare",
            "dimension_not_shared": "the two metrics cannot both be sliced by the chosen dimension",
            "no_data": "no data for one of the metrics",
            "restricted": "one of the metrics is restricted, and you may not read it",
        }.get(ev.reason or "", "cannot tell yet")
        return f"Declared, not measured: {why}."
    if ev.grade is not Grade.ASSOCIATION or ev.r is None or ev.ci is None:
        return "Graded by an experiment or a counterfactual."
    moves = "the same way" if ev.r > 0 else "the opposite way"
    when = f"in the same {ev.period}" if ev.lag == 0 else f"{ev.lag} {ev.period}{'s' if ev.lag != 1 else ''} later"
    strength = f"r = {ev.r:+.2f}, interval {ev.ci[0]:+.2f} to {ev.ci[1]:+.2f}, {ev.n} pairs of changes"
    caution = "Association, not proof."
    if ev.verdict is Verdict.SUPPORTS:
        return f"Supports the declared sign: the target moves {moves} {when} ({strength}). {caution}"
    if ev.verdict is Verdict.CONTRADICTS:
        return f"Contradicts the declared sign: the target moves {moves} {when} ({strength}). {caution}"
    return f"No evidence either way: the changes are not reliably related at any lag tried ({strength})."
