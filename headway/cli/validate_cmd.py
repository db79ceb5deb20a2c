"""`headway validate`: every spec problem in one pass."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from headway.cli.common import Exit, WorkspaceOption, console, ensure_delivery_tables, ensure_event_lake, errors


class IssueFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def validate(
    workspace: WorkspaceOption = Path("."),
    format: Annotated[
        IssueFormat, typer.Option("--format", "-f", help="text for people, json for tools.")
    ] = IssueFormat.TEXT,
) -> None:
    """Check the workspace spec and report every problem as file:line path: message. hint"""
    from headway.spec import Severity, check_workspace
    from headway.spec.source_rules import data_issues

    ws, issues = check_workspace(workspace)
    if ws is not None and (ensure_event_lake(ws) | ensure_delivery_tables(ws)):
        ws, issues = check_workspace(workspace)
    if ws is not None:  # the data is not part of the spec: a missing file is a warning here, an error when queried
        issues = sorted([*issues, *data_issues(ws)])
    failed = any(i.severity is Severity.ERROR for i in issues)
    if format is IssueFormat.JSON:
        payload = {"ok": not failed, "workspace": str(workspace), "issues": [i.to_json() for i in issues]}
        print(json.dumps(payload, indent=2))
    else:
        for issue in issues:
            style = "red" if issue.severity is Severity.ERROR else "yellow"
            errors.print(f"[{style}]{issue.severity.value}[/] ", end="", highlight=False)
            errors.print(issue.render(), highlight=False, markup=False, soft_wrap=True)
        if ws is not None and not failed:
            console.print(
                f"[green]ok[/] {ws.config.name}: {len(ws.sources)} sources, {len(ws.metrics)} metrics"
                + (f", {len(issues)} warning(s)" if issues else ""),
                highlight=False,
            )
        else:
            errors.print(f"{sum(i.severity is Severity.ERROR for i in issues)} error(s)", highlight=False)
    raise typer.Exit(int(Exit.INVALID if failed else Exit.OK))
