"""OKR arithmetic on a handful of numbers: Google's 0.0-1.0 score, expected-by-now pace, status.

- score = (current - baseline) / (target - baseline), clamped to [0, 1]. A decreasing key result
  has target < baseline, so the same formula holds. A target already met at the baseline (on the
  wrong side of it for the direction) scores 1.0 while the value stays at or beyond the target,
  else 0.0. A milestone scores 1.0 when done, else 0.0.
- expected by now = the share of the quarter elapsed (linear, or last year's shape) times the
  score expected at the end: 1.0 for a committed key result, 0.7 for an aspirational one.
- status: on track at or above expected - 0.1, at risk down to expected - 0.3, else off track.
  An objective takes its weakest key result's status.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

EXPECTED_AT_END = {"committed": 1.0, "aspirational": 0.7}
ON_TRACK_SLACK = 0.1
AT_RISK_SLACK = 0.3


class OkrStatus(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


RANK = {OkrStatus.OFF_TRACK: 0, OkrStatus.AT_RISK: 1, OkrStatus.ON_TRACK: 2}


def score(current: float, baseline: float, target: float, sign: int) -> float:
    """Progress from baseline to target on 0.0-1.0; `sign` is +1 when higher is better, -1 when lower is."""
    if sign * (target - baseline) <= 0:  # met before the quarter began: hold it
        return 1.0 if sign * (current - target) >= 0 else 0.0
    return min(1.0, max(0.0, (current - baseline) / (target - baseline)))


def milestone_score(done: bool) -> float:
    return 1.0 if done else 0.0


def elapsed_share(first: dt.date, last: dt.date, as_of: dt.date) -> float:
    """Share of the quarter's days through `as_of` (inclusive), between 0 and 1."""
    days = (last - first).days + 1
    through = (min(max(as_of, first - dt.timedelta(days=1)), last) - first).days + 1
    return through / days


def seasonal_share(baseline: float | None, at_now: float | None, at_end: float | None) -> float | None:
    """How far last year's metric had moved by the same point of the quarter, as a share of its whole move.

    None when last year lacks a value or did not move at all (the shape is then undefined).
    """
    if baseline is None or at_now is None or at_end is None or at_end == baseline:
        return None
    return min(1.0, max(0.0, (at_now - baseline) / (at_end - baseline)))


def expected(share: float, commitment: str) -> float:
    return share * EXPECTED_AT_END[commitment]


def status(value: float, expected_now: float) -> OkrStatus:
    if value >= expected_now - ON_TRACK_SLACK:
        return OkrStatus.ON_TRACK
    if value >= expected_now - AT_RISK_SLACK:
        return OkrStatus.AT_RISK
    return OkrStatus.OFF_TRACK


def milestone_status(done: bool, due: dt.date | None, as_of: dt.date) -> OkrStatus:
    """Done is on track; not done past its due day is off track; not yet due is on track."""
    if done or due is None or as_of <= due:
        return OkrStatus.ON_TRACK
    return OkrStatus.OFF_TRACK


def weakest(statuses: list[OkrStatus]) -> OkrStatus | None:
    return min(statuses, key=RANK.__getitem__) if statuses else None
