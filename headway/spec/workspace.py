"""A loaded workspace: configuration, sources and metrics, each with its origin."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from headway.spec.issues import Issue, PathPart, render_path
from headway.spec.located import Located
from headway.spec.models import Grain, Metric, Source, WorkspaceConfig

if TYPE_CHECKING:
    from headway.spec.resolved import Resolutions


@dataclass(frozen=True)
class Origin:
    """Where a spec item was written, so that any later problem can point at it."""

    doc: Located
    path: tuple[PathPart, ...]
    salvaged: bool = False  # the item had shape errors; only its valid fields were kept

    @property
    def file(self) -> str:
        return self.doc.file

    @property
    def line(self) -> int:
        return self.doc.line(self.path)

    def line_of(self, *sub: PathPart) -> int:
        return self.doc.line((*self.path, *sub))

    def issue(self, sub: tuple[PathPart, ...], message: str, hint: str = "", code: str = "invalid") -> Issue:
        full = (*self.path, *sub)
        return Issue(self.file, self.doc.line(full), render_path(full), message, hint, code=code)


@dataclass(frozen=True)
class Workspace:
    root: Path
    config: WorkspaceConfig
    config_origin: Origin
    sources: dict[str, Source]
    metrics: dict[str, Metric]
    origins: dict[str, Origin] = field(default_factory=dict)
    source_origins: dict[str, Origin] = field(default_factory=dict)
    spec_hash: str = ""
    warnings: tuple[Issue, ...] = ()

    @cached_property
    def resolved(self) -> Resolutions:
        """Every metric parsed and resolved once (the normalize stage), read by rules, graph and planner.

        Each metric is resolved on first read, so a query pays only for the metrics it plans.
        """
        from headway.spec.resolved import Resolutions

        return Resolutions(self.sources, self.metrics)

    def grain_of(self, metric_id: str) -> Grain:
        """The grain a metric is shown at unless a query says otherwise."""
        metric = self.metrics.get(metric_id)
        return (metric.grain if metric else None) or self.config.default_grain

    def where(self, metric_id: str) -> str:
        """`metrics/revenue.yml:12` for a metric, used in generated SQL and errors."""
        origin = self.origins[metric_id]
        return f"{origin.file}:{origin.line}"

    def path_of(self, relative: str) -> Path:
        path = Path(relative)
        return path if path.is_absolute() else self.root / path
