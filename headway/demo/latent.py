"""The hidden weekly "delivery speed" that links engineering to customers (planted effect 1).

An AR(1) series with unit variance, one value per Monday-based week. In a
fast week, work items finish with shorter cycle times; two weeks later, CSAT
responses are higher. Nothing else depends on it, so the lag-2 link is the
only relationship between the two series.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from headway.demo.timeline import Timeline

PHI = 0.5  # week-to-week persistence
LEAD = 4  # weeks of history before the first week of the timeline
CYCLE_EFFECT = 0.3  # cycle time multiplier exp(-0.3 * speed): one sd faster is ~26% shorter
CSAT_EFFECT = 0.35  # CSAT latent shift per sd of speed two weeks earlier (scores are 1..5)
CSAT_LAG_WEEKS = 2


@dataclass(frozen=True)
class Speed:
    values: np.ndarray  # values[w + LEAD] is the speed of week w

    def at(self, week: np.ndarray) -> np.ndarray:
        return self.values[np.asarray(week) + LEAD]


def delivery_speed(tl: Timeline, rng: np.random.Generator) -> Speed:
    n = tl.n_weeks + LEAD
    shocks = rng.standard_normal(n) * np.sqrt(1 - PHI**2)
    values = np.empty(n)
    values[0] = rng.standard_normal()
    for w in range(1, n):
        values[w] = PHI * values[w - 1] + shocks[w]
    return Speed(values)
