"""Product usage, one month at a time: who is active each day and what they do.

For every (day, user) the chance of activity is the user's engagement times
the day's busyness (weekends and the December holidays are quiet) times the
scale's activity level; users of a trial explore more. Each active user-day
holds one or more sessions, and each session a burst of events placed
uniformly inside it. Accounts that rely on reports use that feature and
export reports (planted effect 5); the `integrations` feature is called
through the API.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from headway.demo.accounts import Population, working_seconds
from headway.demo.columns import choice, lognormal
from headway.demo.eventrows import (
    API,
    EXPORT,
    FEATURE,
    IDENTIFY,
    INTEGRATIONS,
    PAGE,
    PATHS,
    SCREEN,
    SCREENS,
    SESSION,
    WEB,
    concat,
    rows,
)
from headway.demo.lifecycle import Lifecycle
from headway.demo.timeline import S_PER_DAY, Timeline
from headway.demo.users import Users

REPORTS_FEATURES = (0.42, 0.26, 0.10, 0.12, 0.10)  # reports, dashboards, export, alerts, integrations
OTHER_FEATURES = (0.0, 0.46, 0.20, 0.19, 0.15)
APP_PATHS = np.array(
    [PATHS.index(p) for p in ("/dashboard", "/reports", "/alerts", "/integrations", "/settings", "/billing", "/team")]
)
APP_WEIGHTS = (0.38, 0.18, 0.12, 0.08, 0.1, 0.04, 0.1)
SCREEN_PATHS = np.array([PATHS.index(s) for s in SCREENS])
SCREEN_WEIGHTS = (0.4, 0.3, 0.12, 0.13, 0.05)


@dataclass(frozen=True)
class World:
    """Everything a month of sessions depends on."""

    tl: Timeline
    pop: Population
    lc: Lifecycle
    users: Users
    activity: float
    visitors_per_day: float


def month_events(world: World, first: int, stop: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    day, user = _active_user_days(world, first, stop, rng)
    sessions = 1 + rng.poisson(0.45, len(day))
    is_first = np.zeros(sessions.sum(), dtype=bool)
    is_first[np.cumsum(sessions) - sessions] = True
    day, user = np.repeat(day, sessions), np.repeat(user, sessions)
    return _session_events(world, day, user, is_first, rng)


def _active_user_days(world: World, first: int, stop: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    users, days = world.users, np.arange(first, stop)
    state = world.lc.state[first:stop][:, users.account]
    trial = np.where(state == 1, 1.3, 1.0)
    chance = users.engagement[None, :] * world.tl.busy[first:stop, None] * world.activity * trial
    signing_up = days[:, None] == users.signup_day[None, :]
    exists = days[:, None] >= users.signup_day[None, :]
    active = (state > 0) & exists & ((rng.random(state.shape) < chance) | signing_up)
    d, u = np.nonzero(active)
    return days[d], u


def _session_events(
    world: World, day: np.ndarray, user: np.ndarray, is_first: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    users, pop = world.users, world.pop
    n = len(day)
    account = users.account[user]
    signup_day = day == users.signup_day[user]
    signup = is_first & signup_day  # the sign-up session, on the web, right after Signed Up
    start = working_seconds(rng, pop.region[account])
    start = np.where(signup_day, np.maximum(start, users.signup_second[user] + 600), start)
    start = np.minimum(np.where(signup, users.signup_second[user] + 2, start), S_PER_DAY - 61)
    length = np.minimum(np.clip(lognormal(rng, 540.0, 0.8, n), 60, 10_800), S_PER_DAY - 1 - start)
    mobile = users.platform[user] > 0
    source = np.where(mobile & (rng.random(n) < 0.8) & ~signup, users.platform[user], WEB)
    state = world.lc.state[day, account]
    plan = np.where(state >= 2, state - 2, pop.plan[account])
    base = world.tl.us(day, start)
    common = {
        "user": user,
        "anon": user,
        "account": account,
        "source": source,
        "web_os": users.web_os[user],
        "locale": users.locale[user],
    }

    def burst(kind: int, counts: np.ndarray, at_start: bool = False) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        s = np.repeat(np.arange(n), counts)
        offset = 0 if at_start else (rng.random(len(s)) * length[s]).astype(np.int64) * 1_000_000
        batch = rows(len(s), kind=kind, ts=base[s] + offset, **{k: v[s] for k, v in common.items()})
        return s, batch

    started_idx, started = burst(SESSION, np.ones(n, dtype=np.int64), at_start=True)
    started["plan"] = plan[started_idx]
    _, identify = burst(IDENTIFY, (rng.random(n) < 0.04).astype(np.int64), at_start=True)
    views_idx, views = burst(PAGE, 1 + rng.poisson(2.6, n))
    _views(views, source[views_idx], rng)
    uses_idx, uses = burst(FEATURE, rng.poisson(1.1, n))
    _features(uses, pop.reports[account[uses_idx]], rng)
    exports_idx, exports = burst(EXPORT, rng.poisson(0.22, n) * pop.reports[account])
    exports["feature"][:] = 0
    exports["duration"] = np.round(lognormal(rng, 6.0, 0.6, len(exports_idx)), 1)
    return concat([started, identify, views, uses, exports])


def _views(batch: dict[str, np.ndarray], source: np.ndarray, rng: np.random.Generator) -> None:
    web = source == WEB
    batch["kind"] = np.where(web, PAGE, SCREEN)
    app, screen = APP_PATHS[choice(rng, APP_WEIGHTS, len(web))], SCREEN_PATHS[choice(rng, SCREEN_WEIGHTS, len(web))]
    batch["path"] = np.where(web, app, screen)


def _features(batch: dict[str, np.ndarray], reports: np.ndarray, rng: np.random.Generator) -> None:
    n = len(reports)
    feature = np.where(reports, choice(rng, REPORTS_FEATURES, n), choice(rng, OTHER_FEATURES, n))
    batch["feature"] = feature
    batch["duration"] = np.round(lognormal(rng, 40.0, 0.9, n), 1)
    batch["source"] = np.where(feature == INTEGRATIONS, API, batch["source"])
