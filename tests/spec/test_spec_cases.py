"""Spec problems as data: each case is a small workspace and the exact lines `headway validate` prints.

A case file in `cases/` holds `base` files shared by its cases and a list of `cases`, each with the
files it adds or replaces (`null` removes a base file), the rendered issues in order, and
`workspace: false` when the workspace cannot be built at all (a broken headway.yml).
Asserting whole rendered lines means a wrong line number, path or hint fails as loudly as a
missing issue.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from headway.spec import Severity, SpecError, check_workspace, load_workspace

CASES = Path(__file__).parent / "cases"


@dataclass(frozen=True)
class Case:
    files: dict[str, str]
    issues: list[str]
    loads: bool


def _case(base: dict[str, str | None], raw: dict[str, Any]) -> Case:
    files = {**base, **(raw.get("files") or {})}
    return Case(
        files={name: text for name, text in files.items() if text is not None},
        issues=list(raw["issues"]),
        loads=raw.get("workspace", True),
    )


def _params() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for raw in data["cases"]:
            params.append(pytest.param(_case(data.get("base") or {}, raw), id=f"{path.stem}/{raw['id']}"))
    return params


PARAMS = _params()


def write_workspace(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("case", PARAMS)
def test_validate_reports(case: Case, tmp_path: Path) -> None:
    workspace, issues = check_workspace(write_workspace(tmp_path, case.files))
    assert [issue.render() for issue in issues] == case.issues
    assert issues == sorted(issues)
    assert (workspace is not None) == case.loads


@pytest.mark.parametrize("case", PARAMS)
def test_load_workspace_agrees(case: Case, tmp_path: Path) -> None:
    """load_workspace returns the workspace when there is no error, else raises with every error."""
    root = write_workspace(tmp_path, case.files)
    errors = [issue for issue in check_workspace(root)[1] if issue.severity is Severity.ERROR]
    if not errors:
        assert load_workspace(root).root == root.resolve()
        return
    with pytest.raises(SpecError) as raised:
        load_workspace(root)
    assert raised.value.issues == errors
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    assert str(raised.value) == errors[0].render() + more


def test_case_ids_are_unique() -> None:
    ids = [param.id for param in PARAMS]
    assert len(ids) == len(set(ids))
