"""The metrics-as-code spec: load a workspace folder and validate it.

Names are imported on first use (PEP 562), so a command that needs only the vocabulary, such as
`headway --help`, does not pay for the loader and its parser (SQLGlot, YAML).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from headway.spec.issues import Issue, Severity, SpecError
    from headway.spec.loader import check_workspace, load_workspace
    from headway.spec.models import Agg, ColumnType, Grain, Kind, Metric, Source, WorkspaceConfig
    from headway.spec.workspace import Workspace

_HOME = {
    **dict.fromkeys(("Issue", "Severity", "SpecError"), "headway.spec.issues"),
    **dict.fromkeys(("check_workspace", "load_workspace"), "headway.spec.loader"),
    **dict.fromkeys(
        ("Agg", "ColumnType", "Grain", "Kind", "Metric", "Source", "WorkspaceConfig"), "headway.spec.models"
    ),
    "Workspace": "headway.spec.workspace",
}

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


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(import_module(_HOME[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
