"""objectives/*.yml: objectives and key results (OKRs) per quarter, bound to governed metrics.

A key result either names a metric with a target (scored from the data), or is a milestone
(done or not). Guardrails are the metrics an objective must not harm; by default the
counter-metrics of its key results' metrics. `check_objectives` cross-checks every name
against the workspace and reports each problem at its file and line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints, model_validator

from headway.spec.annotations import Day
from headway.spec.issues import Issue, choices_hint
from headway.spec.models import Direction, Duration, Ident, Metric, Model
from headway.spec.workspace import Origin, Workspace

FOLDER = "objectives"
PERIOD = re.compile(r"^(\d{4})Q([1-4])$")
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
DEFAULT_STALE = "14d"


def _period(value: Any) -> Any:
    text = str(value).strip().upper() if isinstance(value, str | int) else value
    if not isinstance(text, str) or not PERIOD.match(text):
        raise ValueError(f"'{value}' is not a quarter; write the year and quarter such as 2026Q4")
    return text


Period = Annotated[str, BeforeValidator(_period)]


def quarter_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter written `2026Q4`."""
    match = PERIOD.match(period)
    if not match:
        raise ValueError(f"'{period}' is not a quarter; write the year and quarter such as 2026Q4")
    year, quarter = int(match.group(1)), int(match.group(2))
    first = dt.date(year, 3 * quarter - 2, 1)
    after = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return first, after - dt.timedelta(days=1)


class Commitment(StrEnum):
    COMMITTED = "committed"  # expected to reach 1.0
    ASPIRATIONAL = "aspirational"  # a stretch: ~0.7 counts as success


class PaceShape(StrEnum):
    LINEAR = "linear"
    SEASONAL = "seasonal"  # last year's shape of the same metric over the same quarter


class KeyResult(Model):
    """A metric with a target, or a milestone (`milestone:` text, `done:` and an optional `due:`)."""

    id: Ident | None = None
    name: Text | None = None
    metric: Ident | None = None
    target: float | None = None
    direction: Direction | None = None
    commitment: Commitment = Commitment.COMMITTED
    baseline: float | None = None
    pace: PaceShape = PaceShape.LINEAR
    milestone: Text | None = None
    done: bool = False
    due: Day | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> KeyResult:
        if (self.metric is None) == (self.milestone is None):
            raise ValueError("a key result names a `metric:` (with a `target:`) or is a `milestone:`, not both")
        if self.metric is not None and self.target is None:
            raise ValueError(f"key result on '{self.metric}' needs a `target:` value")
        return self

    @property
    def is_milestone(self) -> bool:
        return self.milestone is not None


class Guardrail(Model):
    metric: Ident
    tolerance: Annotated[float, Field(ge=0)] | None = None


def _guardrail(value: Any) -> Any:
    return {"metric": value} if isinstance(value, str) else value


class Objective(Model):
    id: Ident
    period: Period
    objective: Text
    owner: Text | None = None
    team: Text | None = None
    parent: Ident | None = None
    description: Annotated[str, StringConstraints(max_length=4000)] | None = None
    key_results: Annotated[list[KeyResult], Field(min_length=1, max_length=20)]
    guardrails: list[Annotated[Guardrail, BeforeValidator(_guardrail)]] | None = None
    stale_after: Duration = DEFAULT_STALE

    def kr_id(self, index: int) -> str:
        return self.key_results[index].id or f"kr{index + 1}"

    @property
    def kr_ids(self) -> list[str]:
        return [self.kr_id(i) for i in range(len(self.key_results))]


@dataclass(frozen=True)
class ObjectiveSpec:
    objectives: dict[str, Objective] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)

    def where(self, objective_id: str, *sub: str | int) -> str:
        origin = self.origins[objective_id]
        return f"{origin.file}:{origin.line_of(*sub) if sub else origin.line}"

    def periods(self) -> list[str]:
        return sorted({o.period for o in self.objectives.values()})


def read_objectives(root: Path) -> tuple[ObjectiveSpec, list[Issue]]:
    """Every objective in `objectives/*.yml`, shape-checked, with its origin."""
    from headway.spec.loader import _items, _read_folder

    spec = ObjectiveSpec()
    issues: list[Issue] = []
    for doc in _read_folder(Path(root), FOLDER, issues):
        for item, origin in _items(doc, "objectives", Objective, issues):
            if item.id in spec.objectives:
                first = spec.origins[item.id]
                hint = f"It is already defined at {first.file}:{first.line}; rename one of them."
                issues.append(origin.issue(("id",), f"duplicate objective id '{item.id}'", hint, code="duplicate_id"))
            elif not origin.salvaged:
                spec.objectives[item.id] = item
                spec.origins[item.id] = origin
    return spec, issues


def load_objectives(ws: Workspace) -> tuple[ObjectiveSpec, list[Issue]]:
    """The objectives and every problem in them (shape and references), in one pass."""
    spec, issues = read_objectives(ws.root)
    for objective_id, objective in spec.objectives.items():
        issues.extend(_references(ws, spec, objective, spec.origins[objective_id]))
    return spec, issues


def check_objectives(ws: Workspace) -> list[Issue]:
    return load_objectives(ws)[1]


def kr_direction(kr: KeyResult, metric: Metric | None) -> Direction | None:
    """The key result's own direction, else its metric's."""
    return kr.direction or (metric.direction if metric else None)


def guardrails_of(ws: Workspace, objective: Objective) -> list[Guardrail]:
    """Declared guardrails, or by default the counter-metrics of the key results' metrics."""
    if objective.guardrails is not None:
        return list(objective.guardrails)
    seen: dict[str, Guardrail] = {}
    for kr in objective.key_results:
        metric = ws.metrics.get(kr.metric or "")
        for counter in metric.counter_metrics if metric else []:
            if counter in ws.metrics and counter not in seen:
                seen[counter] = Guardrail(metric=counter)
    return list(seen.values())


def _references(ws: Workspace, spec: ObjectiveSpec, objective: Objective, origin: Origin) -> list[Issue]:
    issues = []
    if objective.parent is not None:
        if objective.parent not in spec.objectives:
            hint = choices_hint(objective.parent, spec.objectives, "an objective id")
            issues.append(origin.issue(("parent",), f"unknown parent objective '{objective.parent}'", hint))
        elif _parent_cycle(spec, objective.id):
            hint = "An objective aligns up to its parent; remove one of the `parent:` links."
            issues.append(origin.issue(("parent",), f"objective '{objective.id}' is its own ancestor", hint))
    seen: set[str] = set()
    for index, kr in enumerate(objective.key_results):
        kr_id = objective.kr_id(index)
        if kr_id in seen:
            hint = "Give each key result of an objective its own `id:`."
            issues.append(origin.issue(("key_results", index, "id"), f"duplicate key result id '{kr_id}'", hint))
        seen.add(kr_id)
        issues.extend(_kr_issues(ws, origin, index, kr))
    for index, guard in enumerate(objective.guardrails or []):
        if guard.metric not in ws.metrics:
            hint = choices_hint(guard.metric, ws.metrics, "a metric id")
            issues.append(origin.issue(("guardrails", index), f"unknown guardrail metric '{guard.metric}'", hint))
        elif ws.metrics[guard.metric].direction is None:
            hint = f"Give metric '{guard.metric}' a `direction:` so Headway knows which way is worse."
            issues.append(origin.issue(("guardrails", index), f"guardrail '{guard.metric}' has no direction", hint))
    return issues


def _kr_issues(ws: Workspace, origin: Origin, index: int, kr: KeyResult) -> list[Issue]:
    at = ("key_results", index)
    if kr.metric is None:
        return []
    metric = ws.metrics.get(kr.metric)
    if metric is None:
        hint = choices_hint(kr.metric, ws.metrics, "a metric id")
        return [origin.issue((*at, "metric"), f"unknown metric '{kr.metric}'", hint, code="unknown_metric")]
    if kr_direction(kr, metric) is None:
        hint = "Add `direction: increase` or `direction: decrease` to the key result or to its metric."
        return [origin.issue((*at, "direction"), f"key result on '{kr.metric}' has no direction", hint)]
    if kr.baseline is not None and kr.target == kr.baseline:
        hint = "A target equal to its baseline measures no progress; raise or lower the target."
        return [origin.issue((*at, "target"), f"target {kr.target:g} equals the baseline", hint)]
    if metric.status.value == "retired":
        hint = f"Use {metric.replaced_by} instead." if metric.replaced_by else "Choose an active metric."
        return [origin.issue((*at, "metric"), f"metric '{kr.metric}' is retired", hint)]
    return []


def _parent_cycle(spec: ObjectiveSpec, start: str) -> bool:
    seen = {start}
    current = spec.objectives[start].parent
    while current is not None and current in spec.objectives:
        if current in seen:
            return True
        seen.add(current)
        current = spec.objectives[current].parent
    return False
