"""`weekly:` on a rolling rule: whether a daily band adjusts for the weekly cycle (auto) or not (off).

Kept apart from `alerts.py` so that module stays about rules in general; `alerts.py` registers
the field and calls `weekly_issues` from its reference check.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator

from headway.spec.issues import Issue

if TYPE_CHECKING:
    from headway.spec.alerts import AlertRule
    from headway.spec.workspace import Origin

WEEKLY_MIN_WINDOW = 21  # three of each weekday: the fewest the weekday offsets are taken from


class Weekly(StrEnum):
    AUTO = "auto"  # at day grain, weekday offsets where the window shows a weekly cycle
    OFF = "off"  # the plain trailing window, whatever the cycle


def _yaml_bool(value: Any) -> Any:
    """YAML 1.1 reads an unquoted `off` as false (and `on`/`yes` as true): take them as the user meant."""
    if value is False:
        return Weekly.OFF
    if value is True:
        return Weekly.AUTO
    return value


WeeklyField = Annotated[Weekly, BeforeValidator(_yaml_bool)]


def weekly_issues(rule: AlertRule, origin: Origin) -> list[Issue]:
    """A `weekly:` the user wrote must mean something: on `rolling`, not with `same_weekday`, and an
    `auto` window long enough to hold three of each weekday. The default (`auto`, unwritten) is never
    an error: with a short window or another grain it simply keeps the plain band."""
    if "weekly" not in rule.model_fields_set:
        return []
    if rule.baseline.value != "rolling":
        hint = "Remove it: only `rolling` has a weekly adjustment (`seasonal` is weekly by construction)."
        return [origin.issue(("weekly",), f"weekly applies to baseline rolling, not {rule.baseline}", hint)]
    if rule.same_weekday:
        hint = (
            "Keep one: `same_weekday: true` (only the same weekday's points) "
            "or `weekly: auto` (all points, weekday offsets)."
        )
        return [origin.issue(("weekly",), "weekly and same_weekday are two ways to handle the week; choose one", hint)]
    if rule.weekly == Weekly.AUTO and rule.window < WEEKLY_MIN_WINDOW:
        hint = "Write `window: 28` (four of each weekday), or `weekly: off`."
        message = f"weekly: auto needs a window of at least {WEEKLY_MIN_WINDOW} days (got {rule.window})"
        return [origin.issue(("window",), message, hint)]
    return []
