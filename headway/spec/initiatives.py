"""Initiatives: the roadmap filter. What a piece of work is expected to move, by how much, for what effort.

Written in `initiatives/*.yml` (reviewed in git) or created in the UI / API (kept in the state database,
read-only YAML stays read-only there). An initiative names the KPIs it should move with an expected
effect range, a confidence, an effort, an owner, a status and (once launched) a launch day. A control
segment (one dimension value that the work does not touch) turns the measured impact into a
difference-in-differences; leading indicators stand in while the lagging KPI's window is still open.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from headway.spec.annotations import Day, Text, WebLink
from headway.spec.graph import available_dimensions
from headway.spec.issues import Issue, choices_hint
from headway.spec.models import Ident, Kind, Metric, Model

FOLDER = "initiatives"
DimensionName = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$", max_length=200)
]
TAG_PREFIX = "initiative:"  # an annotation tagged `initiative:<id>` dates the initiative's launch


class InitiativeStatus(StrEnum):
    IDEA = "idea"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    LAUNCHED = "launched"
    DONE = "done"
    DROPPED = "dropped"


class ChangeUnit(StrEnum):
    RELATIVE = "relative"  # a share of the KPI's value before launch: 0.1 is +10%
    ABSOLUTE = "absolute"  # in the metric's own unit


class Expected(Model):
    """The effect expected on one metric: a range, signed (negative: the metric should go down)."""

    metric: Ident
    low: float = Field(ge=-1e12, le=1e12)
    high: float = Field(ge=-1e12, le=1e12)
    change: ChangeUnit = ChangeUnit.RELATIVE

    @model_validator(mode="after")
    def _range(self) -> Expected:
        if self.low > self.high:
            raise ValueError(f"low ({self.low:g}) is above high ({self.high:g}); write the smaller effect as low")
        if self.low < 0 < self.high:
            raise ValueError("the range crosses zero: an expected effect says which way the metric moves")
        return self

    @property
    def mid(self) -> float:
        return (self.low + self.high) / 2

    @property
    def goal(self) -> float:
        """The end of the range nearest zero: what counts as the goal being met."""
        return self.low if self.low >= 0 else self.high


class Initiative(Model):
    """One roadmap item and the KPIs it should move."""

    id: Ident
    name: Text
    owner: Text
    status: InitiativeStatus = InitiativeStatus.IDEA
    expects: Annotated[list[Expected], Field(max_length=20)] = Field(default_factory=list)
    confidence: float = Field(default=0.5, gt=0, le=1)
    effort: float = Field(gt=0, le=10000)  # person-weeks
    launched: Day | None = None
    control: dict[DimensionName, Text] | None = None
    leading: Annotated[list[Ident], Field(max_length=20)] = Field(default_factory=list)
    team: Text | None = None
    description: Annotated[str, StringConstraints(max_length=4000)] | None = None
    link: WebLink | None = None

    @field_validator("control")
    @classmethod
    def _one_segment(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is not None and len(value) != 1:
            raise ValueError("a control segment is one dimension and its value, e.g. {plan: enterprise}")
        return value

    @model_validator(mode="after")
    def _unique(self) -> Initiative:
        ids = [e.metric for e in self.expects]
        if len(set(ids)) != len(ids):
            raise ValueError("a metric is listed twice under expects; give each metric one range")
        return self

    @property
    def segment(self) -> tuple[str, str] | None:
        return next(iter(self.control.items())) if self.control else None


class InitiativesFile(Model):
    initiatives: list[Initiative] = Field(default_factory=list)


Located = list[tuple[Initiative, str, int]]


def reaches_kpi(metrics: Mapping[str, Metric], metric_id: str, seen: frozenset[str] = frozenset()) -> bool:
    """A KPI itself, or a metric whose `contributes_to` links lead to one."""
    metric = metrics.get(metric_id)
    if metric is None or metric_id in seen:
        return False
    if metric.kind is Kind.KPI:
        return True
    return any(reaches_kpi(metrics, c.metric, seen | {metric_id}) for c in metric.contributes_to)


def check_initiative(item: Initiative, metrics: Mapping[str, Metric]) -> list[tuple[tuple[str | int, ...], str, str]]:
    """Problems that need the workspace's metrics: (path, message, hint) each."""
    found: list[tuple[tuple[str | int, ...], str, str]] = []
    named: list[tuple[tuple[str | int, ...], str]] = [
        (("expects", i, "metric"), e.metric) for i, e in enumerate(item.expects)
    ]
    named += [(("leading", i), m) for i, m in enumerate(item.leading)]
    for path, metric_id in named:
        if metric_id not in metrics:
            found.append((path, f"unknown metric '{metric_id}'", choices_hint(metric_id, metrics, "a metric id")))
    if item.segment is not None:
        dim = item.segment[0]
        for i, e in enumerate(item.expects):
            if e.metric in metrics and dim not in (declared := available_dimensions(metrics, e.metric)):
                listed = ", ".join(declared) or "none"
                hint = f"Use a dimension every expected metric declares ({listed}), or drop `control:`."
                found.append((("control",), f"metric '{e.metric}' (expects[{i}]) has no dimension '{dim}'", hint))
    return found


def load_initiatives(root: Path, metrics: Mapping[str, Metric]) -> tuple[Located, list[Issue]]:
    """Every valid initiative in `initiatives/*.yml` with its file and line, and every problem found."""
    from headway.spec.loader import _items, _read_folder

    issues: list[Issue] = []
    found: Located = []
    seen: dict[str, str] = {}
    for doc in _read_folder(Path(root), FOLDER, issues):
        for item, origin in _items(doc, "initiatives", Initiative, issues):
            problems = check_initiative(item, metrics)
            for path, message, hint in problems:
                issues.append(origin.issue(path, message, hint, code="unknown_metric"))
            if item.id in seen:
                hint = f"It is already defined at {seen[item.id]}; rename one of them."
                issues.append(origin.issue(("id",), f"duplicate initiative id '{item.id}'", hint, code="duplicate_id"))
                continue
            seen[item.id] = f"{origin.file}:{origin.line}"
            if not origin.salvaged and not problems:
                found.append((item, origin.file, origin.line))
    return found, issues
