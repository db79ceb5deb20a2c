"""Who is told, and when: escalation levels after N hours unacknowledged, repeats, quiet hours.

Pure functions of the policy, the incident's age and the clock's time, so tests can walk an
incident through its life with an injected clock instead of waiting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from headway.spec.alerts import AlertRule, AlertSpec, Escalation, EscalationLevel, span_seconds
from headway.spec.models import Metric

DEFAULT = Escalation(name="default", levels=[EscalationLevel(notify="owner")])


@dataclass(frozen=True)
class Audience:
    people: tuple[str, ...]
    channels: tuple[str, ...]


def policy_for(rule: AlertRule, spec: AlertSpec) -> Escalation:
    return spec.escalations.get(rule.escalation or "", DEFAULT)


def due_level(policy: Escalation, opened: dt.datetime, now: dt.datetime) -> int:
    """The highest level whose delay has passed since the incident opened."""
    age = (now - opened).total_seconds()
    return max(i for i, level in enumerate(policy.levels) if span_seconds(level.after) <= age or i == 0)


def repeat_due(policy: Escalation, notified: dt.datetime | None, now: dt.datetime) -> bool:
    if policy.repeat is None or notified is None:
        return False
    return (now - notified).total_seconds() >= span_seconds(policy.repeat)


def in_quiet_hours(policy: Escalation, now: dt.datetime, default_zone: str) -> bool:
    quiet = policy.quiet_hours
    if quiet is None:
        return False
    local = now.astimezone(ZoneInfo(quiet.timezone or default_zone)).strftime("%H:%M")
    if quiet.start <= quiet.end:
        return quiet.start <= local < quiet.end
    return local >= quiet.start or local < quiet.end  # spans midnight, e.g. 22:00-07:00


def audience(rule: AlertRule, metric: Metric, spec: AlertSpec, level: EscalationLevel) -> Audience:
    """The people a level names and the channels to reach them on."""
    channels = list(rule.channels)
    match level.notify:
        case "owner":
            people = [rule.owner or metric.owner]
        case "steward":
            people = [metric.steward]
        case who if who in spec.groups:
            group = spec.groups[who]
            people = list(group.members)
            channels += group.channels
        case who:
            people = [who]
    return Audience(tuple(p for p in dict.fromkeys(people) if p), tuple(dict.fromkeys(channels)))
