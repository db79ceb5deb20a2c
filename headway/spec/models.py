"""One frozen model per spec concept; closed vocabularies are enums.

The models live in one module per concept (`vocabulary`, `settings`, `sources`,
`metrics`); this module gathers them so `from headway.spec.models import X` keeps
working. The models check shape only (types, known fields, allowed words).
Whether names refer to things that exist is checked by the rules in `rules.py`,
which see the whole workspace at once.
"""

from __future__ import annotations

from headway.spec.metrics import (
    Contribution,
    Cumulative,
    Measure,
    Metric,
    MetricsFile,
    Ratio,
    Snapshot,
    Target,
)
from headway.spec.settings import CacheSettings, DuckDBSettings, SparkSettings, WorkspaceConfig
from headway.spec.sources import Column, Lineage, Source, SourcesFile
from headway.spec.vocabulary import (
    DURATION_PATTERN,
    IDENT_PATTERN,
    Agg,
    ColumnType,
    CurrentThrough,
    Direction,
    Duration,
    Engine,
    Grain,
    Ident,
    Indicator,
    Kind,
    Model,
    Sensitivity,
    Sign,
    Status,
    WeekStart,
    duration_days,
)

__all__ = [
    "DURATION_PATTERN",
    "IDENT_PATTERN",
    "Agg",
    "CacheSettings",
    "Column",
    "ColumnType",
    "Contribution",
    "Cumulative",
    "CurrentThrough",
    "Direction",
    "DuckDBSettings",
    "Duration",
    "Engine",
    "Grain",
    "Ident",
    "Indicator",
    "Kind",
    "Lineage",
    "Measure",
    "Metric",
    "MetricsFile",
    "Model",
    "Ratio",
    "Sensitivity",
    "Sign",
    "Snapshot",
    "Source",
    "SourcesFile",
    "SparkSettings",
    "Status",
    "Target",
    "WeekStart",
    "WorkspaceConfig",
    "duration_days",
]
