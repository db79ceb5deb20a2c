"""Rules about where sources read and how they relate: paths confined, files present, keys agreeing.

A source `path:` outside the workspace (and its `data_roots:`) is an error. A path that matches no
file is a warning from `headway validate`, not an error: a spec is often validated (in CI, in review)
where its data is not, and the engine reports a missing file as a data error naming this line.
"""

from __future__ import annotations

import glob
import os
from dataclasses import replace
from pathlib import Path

from headway.spec.issues import Issue, Severity
from headway.spec.paths import allowed_roots, fixed_prefix, is_confined, shown
from headway.spec.workspace import Workspace

_ROOTS_HINT = (
    "Keep data inside the workspace folder, or list the folder that holds it under `data_roots:` in headway.yml."
)


def check_source_paths(ws: Workspace) -> list[Issue]:
    issues: list[Issue] = []
    roots = allowed_roots(ws.root, ws.config.data_roots)
    for name, source in ws.sources.items():
        origin = ws.source_origins[name]
        pattern = ws.path_of(source.path)
        outside = _outside(source.path, pattern, roots, ws.root)
        if outside is not None:
            issues.append(
                origin.issue(
                    ("path",),
                    f"source '{name}' reads {outside}, which is outside the workspace",
                    _ROOTS_HINT,
                    code="path_outside_workspace",
                )
            )
    return issues


def data_issues(ws: Workspace) -> list[Issue]:
    """Warnings for sources whose path matches no file (run by `headway validate`, not by every load)."""
    issues = []
    roots = allowed_roots(ws.root, ws.config.data_roots)
    for name, source in ws.sources.items():
        pattern = ws.path_of(source.path)
        if _outside(source.path, pattern, roots, ws.root) is None and not _matches(pattern):
            warning = ws.source_origins[name].issue(
                ("path",),
                f"no data file matches '{source.path}'; queries on source '{name}' fail until one exists",
                "Check the path (relative to the workspace folder), or ignore this where the data is not present.",
                code="missing_data",
            )
            issues.append(replace(warning, severity=Severity.WARNING))
    return issues


def _outside(written: str, pattern: Path, roots: list[Path], root: Path) -> str | None:
    """What the path reaches outside the allowed folders, or None when it stays inside."""
    prefix = Path(fixed_prefix(str(pattern)))
    if not is_confined(prefix, roots):
        lexical = Path(os.path.normpath(prefix))  # `..` removed, symlinks not followed
        through = " (through a symlink)" if any(lexical.is_relative_to(r) for r in roots) else ""
        return f"'{written}'{through}"
    for match in _glob(pattern):
        if not is_confined(match, roots):
            return f"'{shown(match, root)}' (through a symlink)"
    return None


def _glob(pattern: Path) -> list[str]:
    text = str(pattern)
    if glob.has_magic(text):
        return sorted(glob.glob(text, recursive=True))[:10_000]
    return [text] if Path(text).exists() or Path(text).is_symlink() else []


def _matches(pattern: Path) -> bool:
    return any(Path(m).is_file() for m in _glob(pattern))


def check_entity_types(ws: Workspace) -> list[Issue]:
    """Columns that share an `entity:` must share a type, or joins on them fail in the engine."""
    seen: dict[str, tuple[str, str, str]] = {}  # entity -> (type, source, column) of its first declaration
    issues = []
    for name, source in ws.sources.items():
        for col_name, column in source.columns.items():
            if column.entity is None:
                continue
            first = seen.setdefault(column.entity, (column.type.value, name, col_name))
            if first[0] != column.type.value:
                issues.append(
                    ws.source_origins[name].issue(
                        ("columns", col_name, "type"),
                        f"entity '{column.entity}' is {column.type.value} here but {first[0]} in {first[1]}.{first[2]}",
                        "Declare every key column of one entity with the same type, or joins on it fail.",
                        code="entity_type",
                    )
                )
    return issues
