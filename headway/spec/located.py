"""A parsed spec file: its data and the line each path begins on.

Kept apart from the YAML parser (`yamlpos.py`) so that a workspace read back from the spec
cache (`cache.py`) carries its file:line origins without importing PyYAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from headway.spec.issues import PathPart


@dataclass
class Located:
    """A parsed YAML file: its data and where each path begins."""

    file: str
    data: Any
    lines: dict[tuple[PathPart, ...], int] = field(default_factory=dict)

    def line(self, path: tuple[PathPart, ...] | list[PathPart]) -> int:
        """The line of the longest known prefix of `path` (1-based)."""
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), 1)
