"""Whether a change is good or bad news, from the metric's declared `direction`."""

from __future__ import annotations

from typing import Literal

Verdict = Literal["good", "bad"]


def verdict(direction: str | None, change: float | None) -> Verdict | None:
    """`good` when the change goes the way the metric should move, `bad` when it goes against it.

    None without a direction, without a change, or when nothing changed.
    """
    if direction is None or change is None or change == 0:
        return None
    rising = change > 0
    return "good" if rising == (direction == "increase") else "bad"
