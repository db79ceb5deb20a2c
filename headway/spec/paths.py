"""Where a workspace may read data from, and how paths appear in messages.

A source `path:` is confined to the workspace folder (after resolving `..` and symlinks),
plus the folders its `headway.yml` lists under `data_roots:`. Anything else could put a
file the server can read (`/etc/passwd`, `../secrets.csv`) on the API.
"""

from __future__ import annotations

import functools
import glob
import os
import re
from collections.abc import Iterable
from pathlib import Path

_ABSOLUTE = re.compile(r"(?<![\w.])(/[^\s'\"(),;]+)")


def allowed_roots(root: Path, data_roots: Iterable[str]) -> list[Path]:
    """The workspace and each declared data root, resolved (once per process: every query checks them)."""
    return list(_allowed_roots(root, tuple(data_roots)))


@functools.lru_cache(maxsize=64)
def _allowed_roots(root: Path, data_roots: tuple[str, ...]) -> tuple[Path, ...]:
    out = [root.resolve()]
    for entry in data_roots:
        path = Path(entry).expanduser()
        out.append((path if path.is_absolute() else root / path).resolve())
    return tuple(out)


def is_confined(path: str | Path, roots: Iterable[Path]) -> bool:
    """True when `path`, with symlinks and `..` resolved, lies under one of `roots`."""
    try:
        resolved = os.path.realpath(path, strict=False)
    except (OSError, RuntimeError):  # a symlink loop
        return False
    return under_roots(resolved, roots)


def under_roots(resolved: str, roots: Iterable[Path]) -> bool:
    """True when an already resolved path is one of `roots` or lies under one."""
    return any(resolved == str(r) or resolved.startswith(str(r).rstrip(os.sep) + os.sep) for r in roots)


def fixed_prefix(pattern: str) -> str:
    """The part of a glob before its first wildcard: `data/events/*.parquet` -> `data/events`."""
    parts = Path(pattern).parts
    fixed = []
    for part in parts:
        if glob.has_magic(part):
            break
        fixed.append(part)
    return str(Path(*fixed)) if fixed else "."


def shown(path: str | Path, root: Path) -> str:
    """A path as a message may show it: relative to the workspace, or just its name outside it."""
    candidate = Path(path)
    for base in (root, root.resolve()):
        try:
            return candidate.relative_to(base).as_posix()
        except ValueError:
            continue
    return candidate.name or str(candidate)


def without_paths(text: str, root: Path) -> str:
    """`text` with the workspace's absolute prefix removed and any other absolute path cut to its name."""
    for base in {str(root.resolve()), str(root)}:
        text = text.replace(base + "/", "").replace(base, ".")
    return _ABSOLUTE.sub(lambda m: Path(m.group(1)).name or m.group(1), text)
