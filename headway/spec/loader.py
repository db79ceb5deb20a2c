"""Read a workspace folder: parse every file, validate shapes, then run the rules.

Parse, shape-check and cross-check are separate stages, and each collects
issues instead of raising, so one run reports every problem it can see.
"""

from __future__ import annotations

import functools
import hashlib
import typing
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from headway.spec.alerts import check_alerts
from headway.spec.annotations import load_annotations
from headway.spec.builtin_events import add_builtin_events
from headway.spec.dashboards import load_dashboards
from headway.spec.focus import check_focus
from headway.spec.initiatives import load_initiatives
from headway.spec.issues import Issue, PathPart, Severity, SpecError, choices_hint
from headway.spec.layout import CONFIG_NAMES, SPEC_FOLDERS
from headway.spec.library import Library, add_libraries, library_hash_files
from headway.spec.meetings import load_meetings
from headway.spec.models import Metric, Source, WorkspaceConfig
from headway.spec.objectives import check_objectives
from headway.spec.pydantic_issues import issues_from_validation
from headway.spec.reading import is_spec_name, read_spec
from headway.spec.rules import run_rules
from headway.spec.workspace import Origin, Workspace
from headway.spec.yamlpos import Located, load_yaml


def load_workspace(root: str | Path) -> Workspace:
    """The workspace, or SpecError listing every error found."""
    workspace, issues = check_workspace(root)
    errors = [i for i in issues if i.severity is Severity.ERROR]
    if errors or workspace is None:
        raise SpecError(errors or issues)
    return workspace


def check_workspace(root: str | Path) -> tuple[Workspace | None, list[Issue]]:
    """Every issue in the workspace, sorted by file and line, plus the workspace if it loaded."""
    root = Path(root).resolve()
    issues: list[Issue] = []
    config_doc = _read_config(root, issues)
    config_issues = len(issues)
    config = _validate_config(config_doc, issues) if config_doc else None
    config_broken = len(issues) > config_issues  # salvaged: check the rest, but do not hand it out
    sources: dict[str, Source] = {}
    source_origins: dict[str, Origin] = {}
    metrics: dict[str, Metric] = {}
    metric_origins: dict[str, Origin] = {}
    for doc in _read_folder(root, "sources", issues):
        for item, origin in _items(doc, "sources", Source, issues):
            _add_unique(item, item.name, origin, sources, source_origins, "source", issues)
    add_builtin_events(root, sources, source_origins, issues)
    for doc in _read_folder(root, "metrics", issues):
        for item, origin in _items(doc, "metrics", Metric, issues):
            _add_unique(item, item.id, origin, metrics, metric_origins, "metric", issues)
    if config is None or config_doc is None:
        return None, sorted(issues)
    read = functools.partial(_library_items, issues=issues)
    add_libraries(config.include, read, sources, source_origins, metrics, metric_origins)
    workspace = Workspace(
        root=root,
        config=config,
        config_origin=Origin(config_doc, ()),
        sources=sources,
        metrics=metrics,
        origins=metric_origins,
        source_origins=source_origins,
        spec_hash=_spec_hash(root, config.include),
    )
    issues.extend(run_rules(workspace))
    issues.extend(check_alerts(workspace))
    issues.extend(load_annotations(root, metrics)[1])
    issues.extend(load_dashboards(root, metrics)[1])
    issues.extend(load_initiatives(root, metrics)[1] + load_meetings(root, metrics)[1])
    issues.extend(check_objectives(workspace))
    issues.extend(check_focus(workspace))
    warnings = tuple(sorted(i for i in issues if i.severity is Severity.WARNING))
    workspace = _with_warnings(workspace, warnings)
    return (None if config_broken else workspace), sorted(issues)


def _with_warnings(workspace: Workspace, warnings: tuple[Issue, ...]) -> Workspace:
    from dataclasses import replace

    done = replace(workspace, warnings=warnings)
    if "resolved" in workspace.__dict__:  # what the rules resolved is not resolved again by the planner
        done.__dict__["resolved"] = workspace.__dict__["resolved"]
    return done


def _read_config(root: Path, issues: list[Issue]) -> Located | None:
    for name in CONFIG_NAMES:
        path = root / name
        if path.is_file() or path.is_symlink():
            text, unreadable = read_spec(path, name)
            issues.extend(unreadable)
            if text is None:
                return None
            doc, found = load_yaml(name, text)
            issues.extend(found)
            return doc
    issues.append(
        Issue(
            "headway.yml",
            0,
            "",
            f"no headway.yml in {root}",
            "Run `headway demo DIR` for an example, or create headway.yml with `name:` and `engine: duckdb`.",
            code="no_workspace",
        )
    )
    return None


def _validate_config(doc: Located, issues: list[Issue]) -> WorkspaceConfig | None:
    if not isinstance(doc.data, dict):
        issues.append(Issue(doc.file, doc.line(()), "", "expected a mapping such as `name: acme`", code="wrong_type"))
        return None
    try:
        return WorkspaceConfig.model_validate(doc.data)
    except ValidationError as error:
        issues.extend(issues_from_validation(error, WorkspaceConfig, doc, ()))
        salvaged = _salvage(WorkspaceConfig, doc.data, error)
        return salvaged if isinstance(salvaged, WorkspaceConfig) else None


def _library_items(label: str, path: Path, key: str, issues: list[Issue]) -> list[tuple[Any, Origin]]:
    doc, found = load_yaml(label, path.read_text(encoding="utf-8"))
    issues.extend(found)
    return _items(doc, key, Source if key == "sources" else Metric, issues) if doc is not None else []


def _spec_files(root: Path, folder: str, *, readable: bool = True) -> list[Path]:
    base = root / folder
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if is_spec_name(p) and (p.is_file() or not readable))


def _read_folder(root: Path, folder: str, issues: list[Issue]) -> list[Located]:
    docs = []
    for path in _spec_files(root, folder, readable=False):  # a broken link is reported, not skipped
        relative = path.relative_to(root).as_posix()
        text, unreadable = read_spec(path, relative)
        issues.extend(unreadable)
        if text is None:
            continue
        doc, found = load_yaml(relative, text)
        issues.extend(found)
        if doc is not None and doc.data is not None:
            docs.append(doc)
    return docs


def _items(doc: Located, key: str, model: type[BaseModel], issues: list[Issue]) -> list[tuple[Any, Origin]]:
    data = doc.data
    if not isinstance(data, dict):
        issues.append(Issue(doc.file, doc.line(()), "", f"expected a mapping with a `{key}:` list", code="wrong_type"))
        return []
    for extra in sorted(set(data) - {key}):
        issues.append(
            Issue(
                doc.file,
                doc.line((extra,)),
                extra,
                f"unknown top-level field '{extra}'",
                choices_hint(extra, [key], "the field"),
                code="extra_forbidden",
            )
        )
    items = data.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        issues.append(Issue(doc.file, doc.line((key,)), key, f"expected a list of {key}", code="wrong_type"))
        return []
    out = []
    for index, raw in enumerate(items):
        path: tuple[PathPart, ...] = (key, index)
        try:
            out.append((model.model_validate(raw), Origin(doc, path)))
        except ValidationError as error:
            issues.extend(issues_from_validation(error, model, doc, path))
            salvaged = _salvage(model, raw, error)
            if salvaged is not None:
                out.append((salvaged, Origin(doc, path, salvaged=True)))
    return out


def _salvage(model: type[BaseModel], raw: Any, error: ValidationError) -> BaseModel | None:
    """The item without its broken fields, so later rules can still check the rest.

    The workspace already has errors and will not load; this only lets one run
    report the problems hiding behind the first one.
    """
    if not isinstance(raw, dict):
        return None
    bad = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
    kept = {k: v for k, v in raw.items() if k not in bad}
    for name in bad:
        field = model.model_fields.get(name)
        if field is None:
            continue
        entries = _salvage_entries(field.annotation, raw.get(name))
        if entries is not None:  # one broken column does not drop the whole source
            kept[name] = entries
        elif field.is_required():
            placeholder = _placeholder(field.annotation)
            if placeholder is None:
                return None
            kept[name] = placeholder
    try:
        return model.model_validate(kept)
    except ValidationError:
        return None


def _salvage_entries(annotation: Any, value: Any) -> dict[str, Any] | None:
    """A mapping of models such as `columns`, keeping every entry that can be salvaged."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is not dict or not isinstance(value, dict) or len(args) != 2:
        return None
    entry: Any = args[1]
    if not (isinstance(entry, type) and issubclass(entry, BaseModel)):
        return None
    out = {}
    for key, raw in value.items():
        try:
            out[key] = entry.model_validate(raw)
        except ValidationError as error:
            salvaged = _salvage(entry, raw, error)
            if salvaged is not None:
                out[key] = salvaged
    return out


def _placeholder(annotation: Any) -> Any:
    """A stand-in for a broken required field: the first word of its vocabulary, or empty text."""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return next(iter(annotation)).value
    return "" if annotation is str else None


def _add_unique(
    item: Any,
    name: str,
    origin: Origin,
    into: dict[str, Any],
    origins: dict[str, Origin],
    noun: str,
    issues: list[Issue],
) -> None:
    if name in into:
        first = origins[name]
        field = "name" if noun == "source" else "id"
        issues.append(
            origin.issue(
                (field,),
                f"duplicate {noun} {field} '{name}'",
                f"It is already defined at {first.file}:{first.line}; rename one of them.",
                code="duplicate_id",
            )
        )
        return
    into[name] = item
    origins[name] = origin


def spec_files(root: Path) -> list[Path]:
    """Every file the spec is read from, in a stable order."""
    files = [root / n for n in CONFIG_NAMES if (root / n).is_file()]
    for folder in SPEC_FOLDERS:
        files.extend(_spec_files(root, folder))
    return files


def _spec_hash(root: Path, includes: list[Library] | None = None) -> str:
    digest = hashlib.sha256()
    named = [(p.relative_to(root).as_posix(), p) for p in spec_files(root)] + library_hash_files(includes or [])
    for name, path in named:
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]
