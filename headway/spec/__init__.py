"""The metrics-as-code spec: load a workspace folder and validate it."""

from headway.spec.issues import Issue, Severity, SpecError
from headway.spec.loader import check_workspace, load_workspace
from headway.spec.models import Agg, ColumnType, Grain, Kind, Metric, Source, WorkspaceConfig
from headway.spec.workspace import Workspace

__all__ = [
    "Agg",
    "ColumnType",
    "Grain",
    "Issue",
    "Kind",
    "Metric",
    "Severity",
    "Source",
    "SpecError",
    "Workspace",
    "WorkspaceConfig",
    "check_workspace",
    "load_workspace",
]
