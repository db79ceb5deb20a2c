"""Metric libraries shipped with Headway as plain spec YAML, enabled with `include: [name]`.

A library is an ordinary `sources.yml` + `metrics.yml` pair. The workspace's own
definitions win: a source or metric with the same name or id replaces the library's.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


class Library(StrEnum):
    DELIVERY = "delivery"


def library_files(name: Library) -> dict[str, Path]:
    """{"sources": path, "metrics": path} of one library."""
    folder = HERE / name.value
    return {"sources": folder / "sources.yml", "metrics": folder / "metrics.yml"}


def library_hash_files(includes: list[Library]) -> list[tuple[str, Path]]:
    """Every YAML file of the included libraries (metrics, sources, tier tables), labelled, in a stable order.

    They count in the workspace's spec hash, so a library that changes with Headway's version
    invalidates cached results exactly as an edit to the workspace's own files does.
    """
    out = []
    for name in sorted(set(includes)):
        folder = HERE / name.value
        for path in sorted(folder.rglob("*.yml")):
            out.append((f"<library {name.value}>/{path.relative_to(folder).as_posix()}", path))
    return out


def library_label(name: Library, key: str) -> str:
    """How errors and generated SQL name a library file: `<library delivery>/metrics.yml`."""
    return f"<library {name.value}>/{key}.yml"


def add_libraries(
    includes: list[Library],
    read: Any,
    sources: dict[str, Any],
    source_origins: dict[str, Any],
    metrics: dict[str, Any],
    metric_origins: dict[str, Any],
) -> None:
    """Add each included library's sources and metrics the workspace did not define itself.

    `read(label, path, key)` parses one file into (item, origin) pairs with the loader's own
    shape checks, so library items are validated exactly like the workspace's.
    """
    for name in includes:
        files = library_files(name)
        for item, origin in read(library_label(name, "sources"), files["sources"], "sources"):
            if item.name not in sources:
                sources[item.name] = item
                source_origins[item.name] = origin
        for item, origin in read(library_label(name, "metrics"), files["metrics"], "metrics"):
            if item.id not in metrics:
                metrics[item.id] = item
                metric_origins[item.id] = origin
