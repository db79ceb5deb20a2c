"""Which files a source reads, and a data version that changes when they do."""

from __future__ import annotations

import glob
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from headway.errors import HeadwayError
from headway.spec.models import Source
from headway.spec.paths import allowed_roots, shown, under_roots
from headway.spec.workspace import Workspace


class DataError(HeadwayError):
    """The data behind a source is missing or does not match its declaration."""

    code = "data_error"
    status = 500


class DataChanged(DataError):
    """The files changed while a query read them; asking again reads one consistent set."""

    code = "data_changed"
    status = 503


@dataclass(frozen=True)
class SourceFiles:
    source: str
    format: str
    paths: tuple[str, ...]
    version: str
    root: str = ""  # the workspace folder: error messages name files relative to it


def source_format(source: Source) -> str:
    if source.format:
        return source.format
    return "csv" if source.path.lower().rstrip("*").endswith((".csv", ".csv.gz")) else "parquet"


def source_files(ws: Workspace, source: Source, *, confine: bool = True) -> SourceFiles:
    """The regular files a source's path matches now, each stat'ed once: its version hashes path, size and mtime.

    `confine=False` skips resolving symlinks, for a second look only: whether the files a query just
    read (confined when it was planned) are still the same ones."""
    pattern = str(ws.path_of(source.path))
    matches = sorted(glob.glob(pattern, recursive=True)) if glob.has_magic(pattern) else [pattern]
    files: list[str] = []
    stats: list[os.stat_result] = []
    for match in matches:
        try:
            stat = os.stat(match)
        except OSError:  # vanished since the listing, or a dangling symlink
            continue
        if S_ISREG(stat.st_mode):
            files.append(match)
            stats.append(stat)
    if confine:
        _confine(ws, source, files)
    if not files:
        origin = ws.source_origins.get(source.name)
        where = f" ({origin.file}:{origin.line_of('path')})" if origin else ""
        raise DataError(f"source '{source.name}': no files match '{source.path}'{where}")
    digest = hashlib.sha256()
    for path, stat in zip(files, stats, strict=True):
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return SourceFiles(source.name, source_format(source), tuple(files), digest.hexdigest()[:16], str(ws.root))


SETTLING_SECONDS = 0.5  # a file written this recently that cannot be read is taken to be mid-write


def changed_since(ws: Workspace, source: Source, files: SourceFiles) -> bool:
    """Whether a source's files differ from `files` now, or one of them is still being written."""
    import time

    try:
        now = source_files(ws, source)
    except DataError:
        return True
    if now.version != files.version:
        return True
    newest = max(Path(p).stat().st_mtime for p in now.paths if Path(p).exists())
    return time.time() - newest < SETTLING_SECONDS


def changed_error(source: str) -> DataChanged:
    return DataChanged(
        f"source '{source}' changed while it was read",
        "Ask again: the next query reads the files as they are now.",
    )


def _confine(ws: Workspace, source: Source, files: list[str]) -> None:
    """Refuse a file outside the workspace and its data_roots, even one reached through a symlink.

    A folder is resolved once for all the files in it; only a file that is itself a symlink is
    resolved on its own (a source of a thousand files costs a thousand lstat calls, not realpaths).
    """
    roots = allowed_roots(ws.root, ws.config.data_roots)
    folders: dict[str, str] = {}
    for path in files:
        folder, name = os.path.split(path)
        if folder not in folders:
            folders[folder] = os.path.realpath(folder)
        real = os.path.realpath(path) if os.path.islink(path) else os.path.join(folders[folder], name)
        if not under_roots(real, roots):
            raise DataError(
                f"source '{source.name}': '{shown(path, ws.root)}' resolves outside the workspace; "
                "list its folder under `data_roots:` in headway.yml to read it"
            )
