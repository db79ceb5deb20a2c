"""Who the customers are: accounts, their attributes, and when they arrive.

Accounts either exist when the timeline opens (already paying) or sign up
during it, more on weekdays and more as the business grows. Small and mid
market accounts start a 14-day trial; enterprise deals start paid. Each
account has a hidden trait, `reports` (it relies on the reports feature),
which later lowers its churn (planted effect 5) and shapes its events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from headway.demo.columns import choice
from headway.demo.timeline import S_PER_DAY, Scale, Timeline

SEGMENTS = ("smb", "mid_market", "enterprise")
REGIONS = ("NA", "EU", "APAC", "LATAM")
PLANS = ("starter", "pro", "enterprise")
REGION_SHARE = (0.45, 0.30, 0.15, 0.10)
UTC_OFFSET_H = np.array([-6, 1, 8, -4])  # a typical working-hours offset per region
TRIAL_DAYS = 14
CONVERSION = 0.38  # share of self-serve trials that convert to paid
REPORTS_SHARE = 0.45  # share of accounts that rely on the reports feature


@dataclass(frozen=True)
class Population:
    arrival: np.ndarray  # day number of sign-up; negative for accounts older than the timeline
    second: np.ndarray  # UTC second of day of the sign-up (reused for every subscription change)
    segment: np.ndarray
    region: np.ndarray
    plan: np.ndarray  # first paid plan
    reports: np.ndarray  # relies on the reports feature (hidden: never written as a column)
    converts: np.ndarray  # a self-serve trial that will convert
    existing: np.ndarray  # already paying when the timeline opens
    paid_since: np.ndarray  # existing accounts: day number their current subscription started
    enterprise_mrr: np.ndarray

    @property
    def n(self) -> int:
        return len(self.arrival)


def working_seconds(rng: np.random.Generator, region: np.ndarray, latest_hour: float = 23.0) -> np.ndarray:
    """A UTC second of day around local early afternoon in each region (wrapped into the day)."""
    local_hour = np.clip(rng.normal(13.0, 2.8, size=len(region)), 6.0, latest_hour)
    seconds = ((local_hour - UTC_OFFSET_H[region]) * 3600).astype(np.int64)
    return np.mod(seconds, S_PER_DAY)


def population(tl: Timeline, scale: Scale, rng: np.random.Generator) -> Population:
    n0 = scale.accounts
    counts = rng.poisson(scale.trials_per_day * tl.growth * tl.busy)
    arrival_new = np.repeat(np.arange(tl.n_days), counts)
    n1 = len(arrival_new)
    segment = np.concatenate([choice(rng, (0.62, 0.30, 0.08), n0), choice(rng, (0.72, 0.24, 0.04), n1)])
    n = n0 + n1
    region = choice(rng, REGION_SHARE, n)
    pro_share = np.where(segment == 0, 0.25, 0.7)
    plan = np.where(segment == 2, 2, (rng.random(n) < pro_share).astype(np.int64))
    arrival_old = -rng.integers(45, 1100, size=n0)
    paid_since_old = np.maximum(arrival_old + TRIAL_DAYS, -rng.integers(1, 366, size=n0))
    existing = np.arange(n) < n0
    return Population(
        arrival=np.concatenate([arrival_old, arrival_new]),
        second=np.minimum(working_seconds(rng, region, latest_hour=20.0), S_PER_DAY - 3600),
        segment=segment,
        region=region,
        plan=plan,
        reports=rng.random(n) < REPORTS_SHARE,
        converts=(rng.random(n) < CONVERSION) & (segment < 2),
        existing=existing,
        paid_since=np.concatenate([paid_since_old, np.zeros(n1, dtype=np.int64)]),
        enterprise_mrr=np.round(1500 * np.exp(0.35 * rng.standard_normal(n)) / 50) * 50,
    )
