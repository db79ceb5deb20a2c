"""Simulate each account's subscription day by day: trials, plan moves, repricing, churn.

The loop runs once per day over vectors of accounts. It records a daily state
matrix (used by events, surveys and tickets to know who is active and on
which plan) and a ledger of subscription periods, one row per period.

Planted effect 2 lives here: from 2026-08-01 starter and pro cost ~20% more
for new subscriptions and at each existing subscription's next monthly
renewal (a `renewal` row closes and a new one opens at the new price), and
accounts paying the new price churn more. Planted effect 5 too: accounts that
rely on the reports feature churn about a third as often as the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from headway.demo.accounts import TRIAL_DAYS, Population
from headway.demo.timeline import PRICE_CHANGE, Timeline

PRICES = np.array([[49.0, 199.0], [59.0, 239.0]])  # [after the price change][starter, pro]
CHURN = np.array([0.026, 0.019, 0.011])  # monthly churn by plan before the price change
REPORTS_CHURN = np.array([1.35, 0.5])  # multiplier for [does not use reports, uses reports]
PRICE_CHURN = 2.1  # multiplier for starter/pro accounts paying the new price
UPGRADE = np.array([0.008, 0.002, 0.0])  # monthly: starter -> pro, pro -> enterprise
DOWNGRADE = np.array([0.0, 0.006, 0.002])  # monthly: pro -> starter, enterprise -> pro
START_REASONS = ("trial", "new", "conversion", "upgrade", "downgrade", "renewal")
END_REASONS = ("converted", "lapsed", "churn", "upgrade", "downgrade", "renewal")
NONE, TRIAL, PAID, CHURNED, LAPSED = 0, 1, 2, 3, 4


def daily(monthly: np.ndarray) -> np.ndarray:
    return 1.0 - (1.0 - monthly) ** (1.0 / 30.44)


class Ledger:
    """Subscription periods, appended a vector at a time."""

    def __init__(self, n_accounts: int) -> None:
        self.opened: list[tuple[np.ndarray, ...]] = []
        self.closed: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.count = 0
        self.current = np.full(n_accounts, -1, dtype=np.int64)

    def open(
        self, who: np.ndarray, day: np.ndarray | int, plan: np.ndarray, mrr: np.ndarray, trial: bool, reason: str
    ) -> None:
        rows = self.count + np.arange(len(who))
        self.count += len(who)
        self.current[who] = rows
        size = len(who)
        self.opened.append(
            (
                who,
                np.broadcast_to(day, size).copy(),
                plan.copy(),
                mrr.astype(np.float64),
                np.full(size, trial),
                np.full(size, START_REASONS.index(reason)),
            )
        )

    def close(self, who: np.ndarray, day: int, reason: str) -> None:
        self.closed.append((self.current[who], np.full(len(who), day), np.full(len(who), END_REASONS.index(reason))))

    def rows(self) -> dict[str, np.ndarray]:
        keys = ("account", "start_day", "plan", "mrr", "trial", "start_reason")
        out = {key: np.concatenate([chunk[i] for chunk in self.opened]) for i, key in enumerate(keys)}
        out["end_day"] = np.full(self.count, -1, dtype=np.int64)
        out["end_reason"] = np.full(self.count, -1, dtype=np.int64)
        if self.closed:
            rows, days, reasons = (np.concatenate(part) for part in zip(*self.closed, strict=True))
            out["end_day"][rows] = days
            out["end_reason"][rows] = reasons
        return out


@dataclass(frozen=True)
class Lifecycle:
    state: np.ndarray  # (days, accounts) int8: 0 inactive, 1 trial, 2/3/4 paying starter/pro/enterprise
    status: np.ndarray  # final status per account (TRIAL, PAID, CHURNED, LAPSED)
    plan: np.ndarray  # last plan per account
    subscriptions: dict[str, np.ndarray]


def simulate(tl: Timeline, pop: Population, rng: np.random.Generator) -> Lifecycle:
    sim = _Simulation(tl, pop, rng)
    state = np.zeros((tl.n_days, pop.n), dtype=np.int8)
    arrivals = np.flatnonzero(~pop.existing)
    by_day = np.split(arrivals, np.searchsorted(pop.arrival[arrivals], np.arange(1, tl.n_days)))
    for d in range(tl.n_days):
        sim.step(d, by_day[d])
        state[d] = np.where(sim.status == TRIAL, 1, np.where(sim.status == PAID, sim.plan + 2, 0))
    return Lifecycle(state, sim.status, sim.plan, sim.ledger.rows())


def _day_of_month(tl: Timeline, day: np.ndarray) -> np.ndarray:
    dates = (tl.first + day).astype("datetime64[D]")
    return (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1


class _Simulation:
    """The mutable state of every account while the days go by."""

    def __init__(self, tl: Timeline, pop: Population, rng: np.random.Generator) -> None:
        self.tl, self.pop, self.rng = tl, pop, rng
        self.change = tl.index(PRICE_CHANGE)
        self.status = np.where(pop.existing, PAID, NONE)
        self.plan = pop.plan.copy()
        self.new_price = np.zeros(pop.n, dtype=bool)
        self.anniversary = np.minimum(_day_of_month(tl, pop.paid_since), 28)
        self.trial_end = np.where(pop.existing, -1, pop.arrival + TRIAL_DAYS)
        self.ledger = Ledger(pop.n)
        existing = np.flatnonzero(pop.existing)
        self.ledger.open(
            existing, pop.paid_since[existing], self.plan[existing], self._mrr(existing), False, "conversion"
        )

    def step(self, d: int, arrivals: np.ndarray) -> None:
        after = d >= self.change
        opened_before = self.ledger.count
        self._arrive(d, arrivals, after)
        self._end_trials(d, after)
        if after:
            self._reprice(d)
        settled = self.ledger.current < opened_before  # no second change on the day a period opened
        moved = self._move_plans(d, after, settled)
        self._churn(d, moved | ~settled)

    def _mrr(self, who: np.ndarray) -> np.ndarray:
        p = self.plan[who]
        listed = PRICES[self.new_price[who].astype(np.int64), np.minimum(p, 1)]
        return np.where(p == 2, self.pop.enterprise_mrr[who], listed)

    def _arrive(self, d: int, new: np.ndarray, after: bool) -> None:
        segment = self.pop.segment[new]
        trials, deals = new[segment < 2], new[segment == 2]
        self.ledger.open(trials, d, self.plan[trials], np.zeros(len(trials)), True, "trial")
        self.status[trials] = TRIAL
        self.new_price[deals] = after
        self.ledger.open(deals, d, self.plan[deals], self._mrr(deals), False, "new")
        self.status[deals] = PAID

    def _end_trials(self, d: int, after: bool) -> None:
        ending = np.flatnonzero((self.status == TRIAL) & (self.trial_end == d))
        converts = self.pop.converts[ending]
        won, lost = ending[converts], ending[~converts]
        self.ledger.close(won, d, "converted")
        self.ledger.close(lost, d, "lapsed")
        self.status[lost] = LAPSED
        self.new_price[won] = after
        self.anniversary[won] = min(int(self.tl.day_of_month[d]), 28)
        self.ledger.open(won, d, self.plan[won], self._mrr(won), False, "conversion")
        self.status[won] = PAID

    def _reprice(self, d: int) -> None:
        today = self.tl.day_of_month[d]
        due = np.flatnonzero((self.status == PAID) & (self.plan < 2) & ~self.new_price & (self.anniversary == today))
        self.ledger.close(due, d, "renewal")
        self.new_price[due] = True
        self.ledger.open(due, d, self.plan[due], self._mrr(due), False, "renewal")

    def _move_plans(self, d: int, after: bool, settled: np.ndarray) -> np.ndarray:
        paid = (self.status == PAID) & settled
        u = self.rng.random(len(paid))
        up_p, down_p = daily(UPGRADE)[self.plan], daily(DOWNGRADE)[self.plan]
        up = np.flatnonzero(paid & (u < up_p))
        down = np.flatnonzero(paid & (u >= up_p) & (u < up_p + down_p))
        for who, step, reason in ((up, 1, "upgrade"), (down, -1, "downgrade")):
            self.ledger.close(who, d, reason)
            self.plan[who] += step
            self.new_price[who] = after
            self.ledger.open(who, d, self.plan[who], self._mrr(who), False, reason)
        moved = np.zeros(len(paid), dtype=bool)
        moved[up] = True
        moved[down] = True
        return moved

    def _churn(self, d: int, exempt: np.ndarray) -> None:
        monthly = CHURN[self.plan] * REPORTS_CHURN[self.pop.reports.astype(np.int64)]
        monthly = np.where(self.new_price & (self.plan < 2), monthly * PRICE_CHURN, monthly)
        gone = np.flatnonzero((self.status == PAID) & ~exempt & (self.rng.random(len(exempt)) < daily(monthly)))
        self.ledger.close(gone, d, "churn")
        self.status[gone] = CHURNED
