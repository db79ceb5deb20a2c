"""Which band judged a point: a `rolling` rule has variants, and a backtest or message must say which.

`plain` is the trailing window's median and MAD; `weekday-adjusted` adds each weekday's offset
(`weekly: auto` where the window shows a weekly cycle); `same weekday` keeps only the same
weekday's points (`same_weekday: true`). Other baselines have no variant (None).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from headway.spec.alerts import AlertRule, Baseline, Weekly
from headway.spec.models import Grain

PLAIN = "plain"
ADJUSTED = "weekday-adjusted"
SAME_WEEKDAY = "same weekday"


def point_variant(rule: AlertRule, grain: Grain, adjusted: bool) -> str | None:
    """The band used at one point; `adjusted` is the evaluation's flag for that point."""
    if rule.baseline is not Baseline.ROLLING:
        return None
    if grain is not Grain.DAY:
        return PLAIN
    if rule.same_weekday:
        return SAME_WEEKDAY
    return ADJUSTED if rule.weekly == Weekly.AUTO and adjusted else PLAIN


def configured(rule: AlertRule) -> str:
    """The rule's baseline as written, for a message that has no evaluation at hand."""
    if rule.baseline is not Baseline.ROLLING:
        return rule.baseline.value
    if rule.same_weekday:
        return f"rolling, {SAME_WEEKDAY}"
    if rule.weekly == Weekly.OFF:
        return f"rolling, {PLAIN}"
    return "rolling, weekday-adjusted at day grain when the window shows a weekly cycle"


def summary(variants: list[str | None]) -> str | None:
    """One variant, or how the points split ("weekday-adjusted on 280 of 300 points, plain on the rest")."""
    counts = Counter(v for v in variants if v is not None)
    if not counts:
        return None
    if len(counts) == 1:
        return next(iter(counts))
    (top, n), *rest = counts.most_common()
    others = " and ".join(name for name, _ in rest)
    return f"{top} on {n} of {sum(counts.values())} points, {others} on the rest"


def with_variant(alert: dict[str, Any], variant: str | None) -> dict[str, Any]:
    return alert if variant is None else {**alert, "variant": variant}
