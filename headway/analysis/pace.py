"""Status against a target: on track, at risk or off track, from the value, its recent pace and a tolerance.

The rule, stated once so that every surface says the same thing:

- A target without `by` is a level to hold: the value itself is compared with it.
- A target with `by` still ahead is a level to reach: the value is projected to `by` at its recent
  pace (the mean change per period over the last complete periods) and the projection is compared.
- "Better" follows the metric's `direction`. At or beyond the target: on track. Short of it by no
  more than the tolerance (`tolerance`, else 5% of the target): at risk. Further: off track.
- Without a `direction`, the distance either way counts: within the tolerance is on track, within
  twice the tolerance at risk.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

DEFAULT_TOLERANCE_SHARE = 0.05


class Standing(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


@dataclass(frozen=True)
class Pace:
    standing: Standing
    compared: float  # the value, or its projection to `by`
    tolerance: float
    projected: bool
    periods_left: int | None = None
    recent_per_period: float | None = None
    needed_per_period: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.standing.value,
            "compared_value": self.compared,
            "projected": self.projected,
            "tolerance": self.tolerance,
            "periods_left": self.periods_left,
            "recent_per_period": self.recent_per_period,
            "needed_per_period": self.needed_per_period,
        }


def recent_pace(values: list[float | None], periods: int = 6) -> float | None:
    """Mean change per period over the last `periods` complete values (None where a value is missing)."""
    known = [v for v in values[-(periods + 1) :] if v is not None]
    if len(known) < 2:
        return None
    return (known[-1] - known[0]) / (len(known) - 1)


def assess(
    value: float,
    target: float,
    *,
    direction: int | None,
    tolerance: float | None = None,
    periods_left: int | None = None,
    pace: float | None = None,
) -> Pace:
    """Where `value` stands against `target`; `direction` is +1 (higher is better), -1, or None."""
    band = tolerance if tolerance is not None else abs(target) * DEFAULT_TOLERANCE_SHARE
    ahead = periods_left is not None and periods_left > 0
    compared = value + pace * periods_left if ahead and pace is not None and periods_left is not None else value
    needed = (target - value) / periods_left if ahead and periods_left else None
    if direction is None:
        standing = _band(band - abs(compared - target), band)
    else:
        standing = _band(direction * (compared - target), band)
    return Pace(standing, compared, band, ahead and pace is not None, periods_left, pace, needed)


def _band(gap: float, band: float) -> Standing:
    if gap >= 0:
        return Standing.ON_TRACK
    return Standing.AT_RISK if -gap <= band else Standing.OFF_TRACK
