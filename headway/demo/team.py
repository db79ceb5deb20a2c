"""Team health: a daily headcount snapshot and a weekly anonymous pulse survey.

Planted effect 7: the billing team prepares the price change in a crunch
from 2026-07-06 to 2026-08-09; its `workload` pulse drops by about 1.2
points and `morale` by half a point during those weeks.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from headway.demo.columns import ids, integers, take, timestamps
from headway.demo.org import HEADCOUNT, TEAMS
from headway.demo.timeline import S_PER_DAY, Timeline

QUESTIONS = ("workload", "clarity", "morale")
QUESTION_MEAN = np.array([3.5, 3.7, 3.8])
HIRES_PER_DAY = 0.011
LEAVES_PER_DAY = 0.004
PARTICIPATION = 0.75
CRUNCH = (dt.date(2026, 7, 6), dt.date(2026, 8, 9))  # inclusive
CRUNCH_SHIFT = np.array([-1.2, 0.0, -0.5])
BILLING = TEAMS.index("billing")


def headcounts(tl: Timeline, rng: np.random.Generator) -> np.ndarray:
    """(days, teams) people per team; hires and leavers only on weekdays."""
    weekday = (tl.weekday < 5)[:, None]
    hires = (rng.random((tl.n_days, len(TEAMS))) < HIRES_PER_DAY) & weekday
    leaves = (rng.random((tl.n_days, len(TEAMS))) < LEAVES_PER_DAY) & weekday
    change = hires.astype(np.int64) - leaves.astype(np.int64)
    return np.maximum(np.array(HEADCOUNT)[None, :] + np.cumsum(change, axis=0), 3)


def headcount_table(tl: Timeline, people: np.ndarray) -> pa.Table:
    days, teams = people.shape
    day = np.repeat(np.arange(days), teams)
    return pa.table(
        {
            "snapshot_at": timestamps(tl.us(day)),
            "team": take(TEAMS, np.tile(np.arange(teams), days)),
            "headcount": integers(people.reshape(-1)),
        }
    )


def pulse_table(tl: Timeline, people: np.ndarray, rng: np.random.Generator) -> pa.Table:
    mondays = np.arange(tl.first_monday, tl.n_days, 7)
    mondays = mondays[mondays >= 0]
    counts = rng.binomial(people[mondays], PARTICIPATION)  # (weeks, teams)
    week, team = np.nonzero(counts)
    repeat = counts[week, team]
    monday, team = np.repeat(mondays[week], repeat), np.repeat(team, repeat)
    n = len(monday)
    answered = tl.us(monday, rng.integers(8 * 3600, 4 * S_PER_DAY + 18 * 3600, n))
    keep = answered < tl.end_us
    answered, monday, team, n = answered[keep], monday[keep], team[keep], int(keep.sum())
    crunch = (team == BILLING) & (monday >= tl.index(CRUNCH[0])) & (monday <= tl.index(CRUNCH[1]))
    mood = rng.normal(0, 0.5, n)  # a person's mood colours all three answers
    latent = QUESTION_MEAN[None, :] + mood[:, None] + rng.normal(0, 0.7, (n, 3))
    latent += np.where(crunch[:, None], CRUNCH_SHIFT[None, :], 0.0)
    score = np.clip(np.round(latent), 1, 5).astype(np.int64)
    order = np.argsort(answered, kind="stable")
    rows = np.repeat(order, 3)
    question = np.tile(np.arange(3), n)
    return pa.table(
        {
            "response_id": ids("pls_", 3 * n, 7),
            "team": take(TEAMS, team[rows]),
            "question": take(QUESTIONS, question),
            "score": integers(score[rows, question]),
            "answered_at": timestamps(answered[rows]),
        }
    )
