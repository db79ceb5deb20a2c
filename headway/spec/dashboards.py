"""Dashboards as code: `dashboards/*.yml`, each a titled page of panels bound to governed metrics.

A panel is one of a few templates (a row of KPI cards, a line chart, a breakdown table, the metric
tree, DORA's four keys with their performance bands) so every dashboard reads the same way.
Panels name metrics by id; unknown or retired ids are errors at their line (with a suggestion),
deprecated ones warnings, and a `by` or filter dimension a metric cannot be sliced by is an error
naming the dimensions it has.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from headway.spec.annotations import Day
from headway.spec.dora import DoraEdition, DoraKey, Edition, dora_metrics, missing_key_issues
from headway.spec.graph import available_dimensions
from headway.spec.issues import Issue, Severity, choices_hint
from headway.spec.models import Grain, Ident, Metric, Model
from headway.spec.workspace import Origin

FOLDER = "dashboards"
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Dimension = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_.]*$", max_length=200)]
MAX_PERIODS = 520


class PanelType(StrEnum):
    KPI = "kpi"  # a row of cards: last complete period, change vs the one before
    LINE = "line"  # a time series per metric (per `by` value)
    TABLE = "table"  # the same numbers as a table, usually broken down `by` a dimension
    TREE = "tree"  # the metric tree with every link's evidence
    DORA = "dora"  # DORA's four keys: last complete period, trend and performance band (spec/dora.py)


class PanelCompare(StrEnum):
    PREVIOUS = "previous"
    YEAR_AGO = "year_ago"


class Panel(Model):
    """One panel. Without `from`/`to` it shows the last `periods` periods up to the data's end."""

    type: PanelType
    title: Text | None = None
    metrics: Annotated[list[Ident], Field(max_length=20)] = Field(default_factory=list)
    grain: Grain | None = None
    periods: Annotated[int, Field(ge=1, le=MAX_PERIODS)] = 12
    from_: Day | None = Field(default=None, alias="from")
    to: Day | None = None
    compare: PanelCompare | None = None
    by: Dimension | None = None
    edition: Edition | None = None  # dora panels: the tier table (default 2023)
    keys: dict[DoraKey, Ident] = Field(default_factory=dict)  # dora panels: a metric id per key

    @model_validator(mode="after")
    def _shape(self) -> Panel:
        if self.from_ is not None and self.to is not None and self.to < self.from_:
            raise ValueError(f"to ({self.to}) is before from ({self.from_})")
        if self.type is PanelType.DORA:
            if self.metrics or self.by or self.compare:
                raise ValueError("a dora panel takes no `metrics`, `by` or `compare`: name its metrics under `keys:`")
            return self
        if self.keys or self.edition:
            raise ValueError("`keys` and `edition` belong to a dora panel (type: dora)")
        if self.type is not PanelType.TREE and not self.metrics:
            raise ValueError(f"a {self.type.value} panel needs `metrics: [metric_id, ...]`")
        if self.type is PanelType.TREE and self.metrics:
            raise ValueError("a tree panel draws the whole tree: leave out `metrics`")
        return self

    @property
    def dora_edition(self) -> DoraEdition:
        return self.edition or DoraEdition.DEVLAKE_2023

    def heading(self) -> str:
        if self.type is PanelType.DORA:
            return self.title or "DORA"
        return self.title or (", ".join(self.metrics) if self.metrics else "Metric tree")

    def metric_ids(self, metrics: Mapping[str, Metric]) -> list[str]:
        """The metrics the panel reads: its `metrics`, or a dora panel's key metrics (defaults filled in)."""
        if self.type is PanelType.DORA:
            return [m for m in dora_metrics(self.dora_edition, self.keys, metrics).values() if m is not None]
        return list(self.metrics)


class Dashboard(Model):
    id: Ident
    title: Text
    owner: Text | None = None
    description: Annotated[str, StringConstraints(max_length=4000)] | None = None
    filters: Annotated[dict[Dimension, Annotated[str, StringConstraints(max_length=200)]], Field(max_length=5)] = Field(
        default_factory=dict
    )
    panels: Annotated[list[Panel], Field(min_length=1, max_length=40)]


Located = list[tuple[Dashboard, str, int]]  # each dashboard with its file and line


def load_dashboards(root: Path, metrics: Mapping[str, Metric]) -> tuple[Located, list[Issue]]:
    """Every dashboard in `dashboards/*.yml` with its file and line, and every problem found."""
    from headway.spec.loader import _items, _read_folder

    issues: list[Issue] = []
    found: Located = []
    seen: dict[str, Origin] = {}
    for doc in _read_folder(Path(root), FOLDER, issues):
        for board, origin in _items(doc, "dashboards", Dashboard, issues):
            if board.id in seen:
                first = seen[board.id]
                where = f"It is already defined at {first.file}:{first.line}; rename one of them."
                issues.append(origin.issue(("id",), f"duplicate dashboard id '{board.id}'", where, "duplicate_id"))
                continue
            seen[board.id] = origin
            issues.extend(check_dashboard(board, origin, metrics))
            if not origin.salvaged:
                found.append((board, origin.file, origin.line))
    return found, issues


def check_dashboard(board: Dashboard, origin: Origin, metrics: Mapping[str, Metric]) -> list[Issue]:
    """Unknown, retired or deprecated metrics, and dimensions the metrics cannot be sliced by."""
    issues: list[Issue] = []
    readable: list[str] = []
    for p, panel in enumerate(board.panels):
        for i, metric_id in enumerate(panel.metrics):
            problem = _metric_issue(metric_id, origin, ("panels", p, "metrics", i), metrics)
            if problem is not None:
                issues.append(problem)
            if metric_id in metrics:
                readable.append(metric_id)
        if panel.by is not None:
            issues.extend(_by_issues(panel, origin, p, metrics))
        if panel.type is PanelType.DORA:
            issues.extend(_dora_issues(panel, origin, p, metrics))
            readable.extend(m for m in panel.metric_ids(metrics) if m in metrics)
    for dimension in board.filters:
        slicers = [m for m in readable if dimension in available_dimensions(metrics, m)]
        if readable and not slicers:
            offered = sorted({d for m in readable for d in available_dimensions(metrics, m)})
            message = f"no panel's metric can be filtered by '{dimension}'"
            hint = choices_hint(dimension, offered, "a dimension the panels share") or "The panels have no dimensions."
            issues.append(origin.issue(("filters", dimension), message, hint, "unknown_dimension"))
    return issues


def _metric_issue(
    metric_id: str, origin: Origin, path: tuple[str | int, ...], metrics: Mapping[str, Metric]
) -> Issue | None:
    if metric_id not in metrics:
        hint = choices_hint(metric_id, metrics, "a metric id")
        return origin.issue(path, f"unknown metric '{metric_id}'", hint, "unknown_metric")
    metric = metrics[metric_id]
    if metric.status.value == "retired":
        hint = f"Use its replacement '{metric.replaced_by}'." if metric.replaced_by else "Remove it from the panel."
        return origin.issue(path, f"metric '{metric_id}' is retired", hint, "retired_metric")
    if metric.status.value == "deprecated":
        hint = f"Use its replacement '{metric.replaced_by}'." if metric.replaced_by else "Plan its replacement."
        found = origin.issue(path, f"metric '{metric_id}' is deprecated", hint, "deprecated_metric")
        return Issue(found.file, found.line, found.path, found.message, found.hint, found.code, Severity.WARNING)
    return None


def _dora_issues(panel: Panel, origin: Origin, p: int, metrics: Mapping[str, Metric]) -> list[Issue]:
    issues = missing_key_issues(panel.dora_edition, panel.keys, origin, p, metrics)
    for key, metric_id in panel.keys.items():
        problem = _metric_issue(metric_id, origin, ("panels", p, "keys", key.value), metrics)
        if problem is not None:
            issues.append(problem)
    return issues


def _by_issues(panel: Panel, origin: Origin, p: int, metrics: Mapping[str, Metric]) -> list[Issue]:
    out = []
    for metric_id in panel.metrics:
        if metric_id not in metrics:
            continue
        dims = available_dimensions(metrics, metric_id)
        if panel.by not in dims:
            hint = choices_hint(panel.by or "", dims, f"a dimension of {metric_id}") or f"{metric_id} has none."
            message = f"metric '{metric_id}' cannot be broken down by '{panel.by}'"
            out.append(origin.issue(("panels", p, "by"), message, hint, "unknown_dimension"))
    return out
