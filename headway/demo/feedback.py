"""What customers tell us: survey responses (NPS and CSAT) and support tickets.

CSAT follows the hidden delivery speed two weeks earlier (planted effect 1).
NPS depends on nothing at all, in particular not on pull-request size
(planted effect 3, the non-relationship). After the 2026-08-01 price change
billing tickets triple for a month.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from headway.demo.accounts import Population, working_seconds
from headway.demo.columns import choice, doubles, ids, integers, lognormal, take, timestamps
from headway.demo.latent import CSAT_EFFECT, CSAT_LAG_WEEKS, Speed
from headway.demo.lifecycle import Lifecycle
from headway.demo.timeline import PRICE_CHANGE, US_PER_S, Scale, Timeline

SURVEYS = ("nps", "csat")
CATEGORIES = ("how_to", "bug", "billing", "account", "integration")
CATEGORY_SHARE = (0.34, 0.26, 0.12, 0.12, 0.16)
BILLING = CATEGORIES.index("billing")
PRIORITIES = ("low", "normal", "high", "urgent")
PRIORITY_SHARE = (0.3, 0.45, 0.2, 0.05)
PRIORITY_SPEED = np.array([1.6, 1.0, 0.5, 0.2])
CHANNELS = ("email", "chat", "web")
CHANNEL_SHARE = (0.45, 0.35, 0.2)
CHANNEL_MINUTES = np.array([180.0, 4.0, 240.0])
TICKETS_PER_ACCOUNT_DAY = 0.03
BILLING_SURGE = 2.0  # extra billing tickets, as a multiple of the usual, during August 2026


def _daily_accounts(tl: Timeline, lc: Lifecycle, per_day: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each day, `per_day[d]` active (trial or paying) accounts drawn at random; returns (day, account)."""
    days, accounts = [], []
    for d in range(tl.n_days):
        active = np.flatnonzero(lc.state[d] > 0)
        if per_day[d] and len(active):
            accounts.append(rng.choice(active, per_day[d]))
            days.append(np.full(per_day[d], d))
    if not days:
        return np.zeros((2, 0), dtype=np.int64)
    return np.vstack([np.concatenate(days), np.concatenate(accounts)])


def surveys_table(
    tl: Timeline,
    scale: Scale,
    pop: Population,
    lc: Lifecycle,
    speed: Speed,
    account_ids: pa.Array,
    rng: np.random.Generator,
) -> pa.Table:
    csat_day, csat_account = _daily_accounts(tl, lc, rng.poisson(scale.csat_per_day * tl.busy), rng)
    nps_day, nps_account = _daily_accounts(tl, lc, rng.poisson(scale.csat_per_day / 3 * tl.busy), rng)
    lagged = speed.at(tl.week_of(csat_day) - CSAT_LAG_WEEKS)
    csat = np.clip(np.round(3.9 + CSAT_EFFECT * lagged + rng.normal(0, 0.85, len(csat_day))), 1, 5)
    nps = np.clip(np.round(8.1 + rng.normal(0, 1.8, len(nps_day))), 0, 10)
    day = np.concatenate([nps_day, csat_day])
    account = np.concatenate([nps_account, csat_account])
    at = tl.us(day, working_seconds(rng, pop.region[account]))
    order = np.argsort(at, kind="stable")
    survey = np.concatenate([np.zeros(len(nps_day), np.int64), np.ones(len(csat_day), np.int64)])
    return pa.table(
        {
            "response_id": ids("rsp_", len(day), 7),
            "account_id": take(account_ids, account[order]),
            "survey": take(SURVEYS, survey[order]),
            "score": integers(np.concatenate([nps, csat])[order]),
            "responded_at": timestamps(at[order]),
        }
    )


def tickets_table(
    tl: Timeline, pop: Population, lc: Lifecycle, account_ids: pa.Array, rng: np.random.Generator
) -> pa.Table:
    active = (lc.state > 0).sum(axis=1)
    day, account = _daily_accounts(tl, lc, rng.poisson(TICKETS_PER_ACCOUNT_DAY * active * tl.busy), rng)
    category = choice(rng, CATEGORY_SHARE, len(day))
    change = tl.index(PRICE_CHANGE)
    surge = (np.arange(tl.n_days) >= change) & (np.arange(tl.n_days) < change + 31)
    extra_rate = TICKETS_PER_ACCOUNT_DAY * CATEGORY_SHARE[BILLING] * BILLING_SURGE * active * tl.busy * surge
    extra_day, extra_account = _daily_accounts(tl, lc, rng.poisson(extra_rate), rng)
    day, account = np.concatenate([day, extra_day]), np.concatenate([account, extra_account])
    category = np.concatenate([category, np.full(len(extra_day), BILLING)])
    n = len(day)
    created = tl.us(day, working_seconds(rng, pop.region[account]))
    priority, channel = choice(rng, PRIORITY_SHARE, n), choice(rng, CHANNEL_SHARE, n)
    weekend = tl.weekday[day] >= 5
    first_response = CHANNEL_MINUTES[channel] * PRIORITY_SPEED[priority] * np.where(weekend, 3.0, 1.0)
    first_response = first_response * np.exp(0.7 * rng.standard_normal(n))
    hours = lognormal(rng, 18.0, 1.1, n) * np.where(category == CATEGORIES.index("bug"), 2.2, 1.0)
    resolved = created + ((first_response * 60 + hours * 3600) * US_PER_S).astype(np.int64)
    order = np.argsort(created, kind="stable")
    return pa.table(
        {
            "ticket_id": ids("tkt_", n, 6),
            "account_id": take(account_ids, account[order]),
            "created_at": timestamps(created[order]),
            "resolved_at": timestamps(resolved[order], null=resolved[order] >= tl.end_us),
            "priority": take(PRIORITIES, priority[order]),
            "channel": take(CHANNELS, channel[order]),
            "category": take(CATEGORIES, category[order]),
            "first_response_minutes": doubles(first_response[order], 1),
        }
    )
