"""Alert rules, channels, escalation policies and groups, written in `alerts/*.yml`.

One frozen model per concept, like `models.py`; `load_alerts` reads the folder with file:line
for every problem, and `check_alerts` cross-checks names against the workspace's metrics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, ValidationError, model_validator

from headway.spec.alert_weekly import Weekly as Weekly
from headway.spec.alert_weekly import WeeklyField, weekly_issues
from headway.spec.graph import available_dimensions
from headway.spec.issues import Issue, PathPart, SpecError, choices_hint
from headway.spec.models import Grain, Ident, Model
from headway.spec.pydantic_issues import issues_from_validation
from headway.spec.workspace import Origin, Workspace
from headway.spec.yamlpos import Located, load_yaml

FOLDER = "alerts"
_SPAN = re.compile(r"^(\d+)([mhd])$")
SAME_WEEKDAY_MIN_WINDOW = 35  # five of each weekday, the fewest points a rolling band is computed from
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _span(value: Any) -> Any:
    if isinstance(value, str) and not _SPAN.match(value.strip()):
        raise ValueError(f"'{value}' is not a time span; write minutes, hours or days such as 30m, 4h or 1d")
    if not isinstance(value, str):
        raise ValueError(f"'{value}' is not a time span; write minutes, hours or days such as 30m, 4h or 1d")
    return value.strip()


Span = Annotated[str, BeforeValidator(_span)]


def _http_url(value: Any) -> Any:
    if not isinstance(value, str) or not re.match(r"^https?://[^\s/]+", value):
        raise ValueError(f"'{value}' is not an http(s) URL; write https://host/path, or url_env: VARIABLE")
    return value


def span_seconds(text: str) -> int:
    match = _SPAN.match(text)
    if not match:  # pragma: no cover - guarded by the model
        raise ValueError(text)
    return int(match.group(1)) * {"m": 60, "h": 3600, "d": 86400}[match.group(2)]


class Baseline(StrEnum):
    STATIC = "static"  # a fixed band, or the metric's target ± tolerance
    ROLLING = "rolling"  # median ± k robust sigmas over a trailing window
    SEASONAL = "seasonal"  # same-phase (e.g. weekday) median/MAD; needs three full seasons
    SMOOTHING = "smoothing"  # Holt-Winters (ETS) one-step prediction interval


class Watch(StrEnum):
    AUTO = "auto"  # the bad side, from the metric's direction; both when it has none
    UP = "up"
    DOWN = "down"
    BOTH = "both"


class ChannelType(StrEnum):
    WEBHOOK = "webhook"
    SLACK = "slack"
    EMAIL = "email"


class Trigger(Model):
    points: Annotated[int, Field(ge=1, le=100)] = 1
    of: Annotated[int, Field(ge=1, le=100)] = 1

    @model_validator(mode="after")
    def _fits(self) -> Trigger:
        if self.points > self.of:
            raise ValueError(f"trigger needs {self.points} of the last {self.of} points; points cannot exceed of")
        return self


class Bounds(Model):
    min: float | None = None
    max: float | None = None


class AlertRule(Model):
    id: Ident
    metric: Ident
    description: str | None = None
    grain: Grain | None = None
    by: list[str] = Field(default_factory=list, max_length=3)  # one series per value of these dimensions
    baseline: Baseline = Baseline.ROLLING
    window: Annotated[int, Field(ge=3, le=1000)] = 28
    k: Annotated[float, Field(gt=0, le=100)] = 3.0
    same_weekday: bool = False  # rolling at day grain: the window keeps only the same weekday's points
    weekly: WeeklyField = Weekly.AUTO  # rolling at day grain: weekday offsets where the window shows a weekly cycle
    level: Annotated[float, Field(gt=0.5, lt=1)] = 0.99
    low: float | None = None
    high: float | None = None
    watch: Watch = Watch.AUTO
    min_abs_change: Annotated[float, Field(ge=0)] = 0.0
    min_rel_change: Annotated[float, Field(ge=0)] = 0.0
    min_volume: Annotated[int, Field(ge=0)] = 0
    trigger: Trigger = Field(default_factory=Trigger)
    recover: Annotated[int, Field(ge=1, le=100)] = 1
    bounds: Bounds | None = None
    owner: str | None = None
    channels: list[Ident] = Field(default_factory=list)
    escalation: Ident | None = None
    enabled: bool = True


class Channel(Model):
    name: Ident
    type: ChannelType
    url: Annotated[str, BeforeValidator(_http_url)] | None = None
    url_env: str | None = None  # read the URL from this environment variable (keeps secrets out of git)
    to: list[str] = Field(default_factory=list)  # email recipients
    owner: str | None = None  # told when the channel is disabled


class EscalationLevel(Model):
    notify: str  # owner | steward | a group name | an email address
    after: Span = "0m"


class QuietHours(Model):
    start: str = Field(pattern=_CLOCK.pattern)
    end: str = Field(pattern=_CLOCK.pattern)
    timezone: str | None = None


class Escalation(Model):
    name: Ident
    levels: list[EscalationLevel] = Field(min_length=1)
    repeat: Span | None = None
    quiet_hours: QuietHours | None = None


class Group(Model):
    name: Ident
    members: list[str] = Field(default_factory=list)
    channels: list[Ident] = Field(default_factory=list)


SECTIONS: dict[str, type[BaseModel]] = {
    "alerts": AlertRule,
    "channels": Channel,
    "escalations": Escalation,
    "groups": Group,
}


@dataclass(frozen=True)
class AlertSpec:
    rules: dict[str, AlertRule] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    escalations: dict[str, Escalation] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)

    def where(self, section: str, name: str) -> str:
        origin = self.origins[(section, name)]
        return f"{origin.file}:{origin.line}"


def read_alerts(root: Path) -> tuple[AlertSpec, list[Issue]]:
    """Every alert file under `root/alerts`, shape-checked; names are checked by `check_alerts`."""
    spec = AlertSpec()
    issues: list[Issue] = []
    base = root / FOLDER
    files = sorted(p for p in base.iterdir() if p.suffix in (".yml", ".yaml")) if base.is_dir() else []
    for path in files:
        doc, found = load_yaml(path.relative_to(root).as_posix(), path.read_text(encoding="utf-8"))
        issues.extend(found)
        if doc is not None and doc.data is not None:
            _read_doc(doc, spec, issues)
    return spec, issues


def _read_doc(doc: Located, spec: AlertSpec, issues: list[Issue]) -> None:
    if not isinstance(doc.data, dict):
        issues.append(Issue(doc.file, doc.line(()), "", "expected a mapping with an `alerts:` list", code="wrong_type"))
        return
    for key, raw in doc.data.items():
        if key not in SECTIONS:
            hint = choices_hint(key, SECTIONS, "a section")
            issues.append(Issue(doc.file, doc.line((key,)), key, f"unknown top-level field '{key}'", hint))
            continue
        if not isinstance(raw, list):
            issues.append(Issue(doc.file, doc.line((key,)), key, f"expected a list of {key}", code="wrong_type"))
            continue
        into: dict[str, Any] = getattr(spec, "rules" if key == "alerts" else key)
        for index, item in enumerate(raw):
            _add(doc, key, index, item, into, spec, issues)


def _add(
    doc: Located, key: str, index: int, raw: Any, into: dict[str, Any], spec: AlertSpec, issues: list[Issue]
) -> None:
    path: tuple[PathPart, ...] = (key, index)
    model = SECTIONS[key]
    try:
        item = model.model_validate(raw)
    except ValidationError as error:
        issues.extend(issues_from_validation(error, model, doc, path))
        return
    name = getattr(item, "id", None) or item.name  # type: ignore[attr-defined]
    origin = Origin(doc, path)
    if name in into:
        first = spec.origins[(key, name)]
        noun = "alert id" if key == "alerts" else f"{key[:-1]} name"
        where = f"It is already defined at {first.file}:{first.line}; rename one of them."
        issues.append(origin.issue(("id" if key == "alerts" else "name",), f"duplicate {noun} '{name}'", where))
        return
    into[name] = item
    spec.origins[(key, name)] = origin


def _inline(ws: Workspace, spec: AlertSpec, issues: list[Issue]) -> None:
    """Rules written on a metric (`alerts:` under it): the metric is implied."""
    for metric in ws.metrics.values():
        origin = ws.origins.get(metric.id)
        if origin is None:
            continue
        for index, raw in enumerate(metric.alerts):
            path = (*origin.path, "alerts", index)
            here = Origin(origin.doc, path)
            if raw.get("metric", metric.id) != metric.id:
                hint = "Leave `metric:` out of an inline rule, or move the rule to alerts/*.yml."
                issues.append(here.issue(("metric",), f"an inline rule watches its own metric '{metric.id}'", hint))
                continue
            try:
                rule = AlertRule.model_validate({**raw, "metric": metric.id})
            except ValidationError as error:
                issues.extend(issues_from_validation(error, AlertRule, origin.doc, path))
                continue
            if rule.id in spec.rules:
                first = spec.origins[("alerts", rule.id)]
                where = f"It is already defined at {first.file}:{first.line}; rename one of them."
                issues.append(here.issue(("id",), f"duplicate alert id '{rule.id}'", where))
                continue
            spec.rules[rule.id] = rule
            spec.origins[("alerts", rule.id)] = here


def _collect(ws: Workspace) -> tuple[AlertSpec, list[Issue]]:
    spec, issues = read_alerts(ws.root)
    _inline(ws, spec, issues)
    return spec, issues + _references(ws, spec)


def check_alerts(ws: Workspace) -> list[Issue]:
    """Shape and reference problems of the workspace's alert rules (files and inline), in one pass."""
    return _collect(ws)[1]


def _references(ws: Workspace, spec: AlertSpec) -> list[Issue]:
    issues = []
    for rule_id, rule in spec.rules.items():
        origin = spec.origins[("alerts", rule_id)]
        metric = ws.metrics.get(rule.metric)
        if metric is None:
            hint = choices_hint(rule.metric, ws.metrics, "a metric id")
            issues.append(origin.issue(("metric",), f"unknown metric '{rule.metric}'", hint))
        declared = available_dimensions(ws.metrics, rule.metric) if metric else []
        for i, dim in enumerate(rule.by):
            if metric and dim not in declared:
                hint = choices_hint(dim, declared, "a declared dimension")
                issues.append(origin.issue(("by", i), f"metric '{rule.metric}' has no dimension '{dim}'", hint))
        for i, name in enumerate(rule.channels):
            if name not in spec.channels:
                hint = choices_hint(name, spec.channels, "a channel")
                issues.append(origin.issue(("channels", i), f"unknown channel '{name}'", hint))
        if rule.escalation is not None and rule.escalation not in spec.escalations:
            hint = choices_hint(rule.escalation, spec.escalations, "an escalation")
            issues.append(origin.issue(("escalation",), f"unknown escalation '{rule.escalation}'", hint))
        if rule.baseline is Baseline.STATIC and rule.low is None and rule.high is None:
            target = metric.target if metric else None
            if target is None or target.tolerance is None:
                issues.append(
                    origin.issue(
                        ("baseline",),
                        "a static baseline needs a band",
                        "Add `low:` and/or `high:`, or give the metric a target with a tolerance.",
                    )
                )
        issues.extend(_same_weekday(rule, origin))
        issues.extend(weekly_issues(rule, origin))
        low, high = (rule.bounds.min, rule.bounds.max) if rule.bounds else (None, None)
        if low is not None and high is not None and low >= high:
            issues.append(origin.issue(("bounds",), "bounds.min must be below bounds.max"))
    for name, policy in spec.escalations.items():
        origin = spec.origins[("escalations", name)]
        for i, level in enumerate(policy.levels):
            who = level.notify
            if who not in ("owner", "steward") and "@" not in who and who not in spec.groups:
                hint = choices_hint(who, [*spec.groups, "owner", "steward"], "owner, steward, an email or a group")
                issues.append(origin.issue(("levels", i, "notify"), f"unknown group '{who}'", hint))
    for name, group in spec.groups.items():
        origin = spec.origins[("groups", name)]
        for i, channel in enumerate(group.channels):
            if channel not in spec.channels:
                hint = choices_hint(channel, spec.channels, "a channel")
                issues.append(origin.issue(("channels", i), f"unknown channel '{channel}'", hint))
    for name, chan in spec.channels.items():
        origin = spec.origins[("channels", name)]
        if chan.type is ChannelType.EMAIL and not chan.to:
            issues.append(origin.issue(("to",), "an email channel needs recipients", "Add `to: [team@acme.example]`."))
        elif chan.type is not ChannelType.EMAIL and not (chan.url or chan.url_env):
            issues.append(
                origin.issue(("url",), f"a {chan.type.value} channel needs a URL", "Add `url_env: SLACK_URL`.")
            )
    return issues


def _same_weekday(rule: AlertRule, origin: Origin) -> list[Issue]:
    """`same_weekday` belongs to `rolling`, and its window must hold five of each weekday (the band's minimum)."""
    if not rule.same_weekday:
        return []
    if rule.baseline is not Baseline.ROLLING:
        hint = "Remove it: `seasonal` already compares each weekday with its own past."
        return [origin.issue(("same_weekday",), f"same_weekday applies to baseline rolling, not {rule.baseline}", hint)]
    if rule.window < SAME_WEEKDAY_MIN_WINDOW:
        hint = "Write `window: 56` (the last eight weeks of each weekday)."
        message = f"same_weekday needs a window of at least {SAME_WEEKDAY_MIN_WINDOW} days (got {rule.window})"
        return [origin.issue(("window",), message, hint)]
    return []


def load_alerts(ws: Workspace) -> AlertSpec:
    """The workspace's alert spec, or SpecError with every problem."""
    spec, issues = _collect(ws)
    if issues:
        raise SpecError(issues)
    return spec
