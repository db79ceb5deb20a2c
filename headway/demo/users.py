"""The people inside each account: who signs up when, how engaged, on which device.

The first user of an account creates it; colleagues join over the next weeks
through invites. A user only exists while their account is active: invites
that would land after the account churned or lapsed never happen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from headway.demo.accounts import Population, working_seconds
from headway.demo.columns import choice
from headway.demo.lifecycle import Lifecycle
from headway.demo.timeline import S_PER_DAY, Timeline

PLATFORMS = ("web", "ios", "android")
LOCALES = ("en-US", "en-CA", "en-GB", "de-DE", "fr-FR", "es-ES", "en-AU", "ja-JP", "en-IN", "pt-BR", "es-MX")
REGION_LOCALES = (
    (0.85, 0.15, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    (0, 0, 0.4, 0.3, 0.2, 0.1, 0, 0, 0, 0, 0),
    (0, 0, 0, 0, 0, 0, 0.35, 0.35, 0.3, 0, 0),
    (0, 0, 0, 0, 0, 0, 0, 0, 0, 0.6, 0.4),
)
WEB_OS = ("macOS", "Windows", "Linux", "ChromeOS")


@dataclass(frozen=True)
class Users:
    account: np.ndarray
    signup_day: np.ndarray  # day number; negative for users older than the timeline
    signup_second: np.ndarray  # UTC second of day of the sign-up
    creator: np.ndarray  # created the account (the others were invited)
    engagement: np.ndarray  # chance of being active on a busy day
    platform: np.ndarray  # main platform, an index into PLATFORMS
    web_os: np.ndarray
    locale: np.ndarray

    @property
    def n(self) -> int:
        return len(self.account)


def active_until(lc: Lifecycle) -> np.ndarray:
    """Per account, the first day number from which it is no longer active (n_days if still active)."""
    active = lc.state > 0
    n_days = active.shape[0]
    last = n_days - 1 - np.argmax(active[::-1], axis=0)
    return np.where(active.any(axis=0), last + 1, 0)


def people(tl: Timeline, pop: Population, lc: Lifecycle, rng: np.random.Generator) -> Users:
    extra = np.select(
        [pop.segment == 0, pop.segment == 1],
        [rng.poisson(0.8, pop.n), 1 + rng.poisson(3.0, pop.n)],
        5 + rng.poisson(10.0, pop.n),
    )
    size = 1 + extra
    account = np.repeat(np.arange(pop.n), size)
    creator = np.zeros(len(account), dtype=bool)
    creator[np.cumsum(size) - size] = True
    wait = np.where(pop.existing[account], rng.exponential(90.0, len(account)), 1 + rng.exponential(14.0, len(account)))
    signup_day = np.where(creator, pop.arrival[account], pop.arrival[account] + wait.astype(np.int64))
    keep = creator | ((signup_day < active_until(lc)[account]) & (signup_day < tl.n_days))
    account, creator, signup_day = account[keep], creator[keep], signup_day[keep]
    n = len(account)
    region = pop.region[account]
    engagement = np.clip(rng.beta(1.6, 4.0, n) * np.where(creator, 1.3, 1.0), 0.02, 0.95)
    locale = np.empty(n, dtype=np.int64)
    for r, weights in enumerate(REGION_LOCALES):
        mine = np.flatnonzero(region == r)
        locale[mine] = choice(rng, weights, len(mine))
    return Users(
        account=account,
        signup_day=signup_day,
        signup_second=np.where(
            creator, pop.second[account], np.minimum(working_seconds(rng, region, latest_hour=20.0), S_PER_DAY - 3600)
        ),
        creator=creator,
        engagement=engagement,
        platform=choice(rng, (0.62, 0.21, 0.17), n),
        web_os=choice(rng, (0.55, 0.38, 0.03, 0.04), n),
        locale=locale,
    )
