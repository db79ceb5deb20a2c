"""The conformance cases' workspaces, shared by the value tests and the SQL snapshot tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from headway.spec.loader import load_workspace
from headway.spec.workspace import Workspace

from .harness import load_cases, write_workspace

CASES = {case.name: case for case in load_cases()}


@pytest.fixture(scope="session")
def workspaces(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Workspace]:
    """The workspace of a case by name, written and loaded once, on first use."""
    built: dict[str, Workspace] = {}

    def get(name: str) -> Workspace:
        if name not in built:
            built[name] = load_workspace(write_workspace(CASES[name], tmp_path_factory.mktemp(name)))
        return built[name]

    return get
