"""Events around sign-up, generated for the whole timeline at once.

The person who creates an account first browses the marketing site
anonymously (page views with only an anonymous_id), then signs up with the
same anonymous_id, so the two can be stitched. Colleagues join through an
Invite Sent by the creator. Most anonymous visitors never sign up.
Anonymous ids are indexed: users first (one each), then one per visitor.
"""

from __future__ import annotations

import numpy as np

from headway.demo.columns import choice
from headway.demo.eventrows import IDENTIFY, INVITE, PAGE, SIGNED_UP, WEB, concat, rows
from headway.demo.sessions import World
from headway.demo.timeline import S_PER_DAY, US_PER_S

HOUR_US = 3600 * US_PER_S
MARKETING_WEIGHTS = (0.34, 0.22, 0.18, 0.14, 0.07, 0.05)


def signup_events(world: World, rng: np.random.Generator) -> tuple[dict[str, np.ndarray], int]:
    """Every sign-up related and anonymous event, and the number of anonymous visitors."""
    users, tl = world.users, world.tl
    new = np.flatnonzero((users.signup_day >= 0) & (users.signup_day < tl.n_days))
    at = tl.us(users.signup_day[new], users.signup_second[new])
    person: dict[str, np.ndarray | int] = {
        "user": new,
        "anon": new,
        "account": users.account[new],
        "source": WEB,
        "web_os": users.web_os[new],
        "locale": users.locale[new],
    }
    signed = rows(len(new), kind=SIGNED_UP, ts=at, plan=world.pop.plan[users.account[new]], **person)
    identify = rows(len(new), kind=IDENTIFY, ts=at + US_PER_S, **person)
    visitors, n_visitors = _visitors(world, rng)
    batch = concat([signed, identify, _invites(world, new, at, rng), _browsing(world, new, at, rng), visitors])
    keep = (batch["ts"] >= tl.us(0)) & (batch["ts"] < tl.end_us)
    return {k: v[keep] for k, v in batch.items()}, n_visitors


def _invites(world: World, new: np.ndarray, at: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    users = world.users
    invited = ~users.creator[new]
    who, when = new[invited], at[invited]
    creators = np.flatnonzero(users.creator)
    inviter = creators[np.searchsorted(users.account[creators], users.account[who])]
    creator_at = world.tl.us(users.signup_day[inviter], users.signup_second[inviter])
    sent = np.maximum(when - (rng.uniform(1, 40, len(who)) * HOUR_US).astype(np.int64), creator_at + 60 * US_PER_S)
    return rows(
        len(who),
        kind=INVITE,
        ts=sent,
        user=inviter,
        anon=inviter,
        account=users.account[who],
        source=WEB,
        web_os=users.web_os[inviter],
        locale=users.locale[inviter],
    )


def _browsing(world: World, new: np.ndarray, at: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Anonymous marketing-site visits in the two weeks before a creator signs up."""
    users = world.users
    creators = new[users.creator[new]]
    signup_at = at[users.creator[new]]
    visits = 1 + rng.poisson(1.2, len(creators))
    who = np.repeat(creators, visits)
    visit_at = np.repeat(signup_at, visits) - (rng.uniform(0.2, 14 * 24, len(who)) * HOUR_US).astype(np.int64)
    return _pages(rng, who, visit_at, users.web_os[who], users.locale[who])


def _visitors(world: World, rng: np.random.Generator) -> tuple[dict[str, np.ndarray], int]:
    tl = world.tl
    per_day = rng.poisson(world.visitors_per_day * tl.growth * tl.busy)
    day = np.repeat(np.arange(tl.n_days), per_day)
    n = len(day)
    anon = world.users.n + np.arange(n)
    start = tl.us(day, rng.integers(0, S_PER_DAY - 900, n))
    locale = choice(rng, (0.45, 0.04, 0.12, 0.08, 0.06, 0.05, 0.04, 0.06, 0.04, 0.04, 0.02), n)
    return _pages(rng, anon, start, choice(rng, (0.5, 0.4, 0.05, 0.05), n), locale), n


def _pages(
    rng: np.random.Generator, anon: np.ndarray, start: np.ndarray, web_os: np.ndarray, locale: np.ndarray
) -> dict[str, np.ndarray]:
    """One short visit per row: one to a few marketing pages, within ten minutes of `start`."""
    views = 1 + rng.poisson(1.5, len(anon))
    v = np.repeat(np.arange(len(anon)), views)
    ts = start[v] + (rng.uniform(0, 600, len(v)) * US_PER_S).astype(np.int64)
    path = choice(rng, MARKETING_WEIGHTS, len(v))
    return rows(len(v), kind=PAGE, ts=ts, anon=anon[v], source=WEB, path=path, web_os=web_os[v], locale=locale[v])
