"""The loaded spec kept under `.headway/`, so a cold command skips YAML, validation and the rules.

A cold `headway query` on the bench's workspace (79 metrics) spent ~85 ms of CPU reading and
validating a spec it mostly does not use, plus the imports only the loader needs (YAML, the rule
modules). With this cache it unpickles the validated workspace in ~10 ms instead (bench/COLD.md).

Correctness first. The key covers every input the loader reads: each file in `headway.yml`'s
place and in the spec folders (path, size, mtime_ns and the SHA-256 of its content, so a file
rewritten within the same second, or with the same size and time, never serves a stale spec),
which spec folders exist, the built-in events' field catalog, the included libraries, the
workspace's own path and the home folder (`data_roots: [~/…]`), the Headway code that builds a
workspace, the Python version and the installed Pydantic, PyYAML and SQLGlot. Only a workspace that loaded
without errors is kept; a cache that is unreadable, corrupt or keyed differently is ignored and
rebuilt. Source paths are checked against the data folders again on every use, because symlinks in
the data can change while the spec does not.

The file is a pickle, so Headway reads only one it wrote itself: a regular file owned by the user
running Headway and writable by nobody else, in the `.headway/spec-cache/` folder Headway makes
for it (mode 700), owned by that user and writable by nobody else. Who else may write `.headway/`
itself does not matter (a umask of 002 makes it group-writable): a folder put in place of ours
would not be owned by the user. Anything else is ignored, and rebuilt when Headway may replace it.
Delete `.headway/spec-cache/` to clear it; it is rebuilt on the next command.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from importlib.util import find_spec
from pathlib import Path

from headway.spec.layout import CONFIG_NAMES, FIELDS_FILE, SPEC_FOLDERS
from headway.spec.library import Library, library_hash_files
from headway.spec.workspace import Workspace

CACHE_FILE = ".headway/spec-cache/spec.pickle"
FORMAT = b"headway-spec-cache 1\n"  # bump when the file's layout changes
LIBRARIES = ("pydantic", "pydantic_core", "yaml", "sqlglot")  # what parses and validates a spec
_CODE = Path(__file__).resolve().parent  # headway/spec: the code that turns files into a Workspace
MAX_HASHED = 4 * 1024 * 1024  # reading.MAX_SPEC_BYTES: a larger file is refused by the loader anyway


def load_cached(root: str | Path) -> Workspace:
    """`load_workspace(root)`, served from `.headway/spec-cache/spec.pickle` when every input is unchanged.

    Raises SpecError exactly as `load_workspace` does: a workspace with errors is never cached.
    """
    folder = Path(root).resolve()
    try:
        key = spec_key(folder)
    except OSError:
        return _load(root)
    path = folder / CACHE_FILE
    workspace = _read(path, key)
    if workspace is not None and _paths_still_confined(workspace):
        return workspace
    workspace = _load(root)
    try:
        if spec_key(folder) == key:  # nothing changed while it loaded: the key describes what was read
            _write(path, key, workspace)
    except OSError:
        pass  # a read-only workspace: the next command loads the spec again, nothing worse
    return workspace


def _load(root: str | Path) -> Workspace:
    from headway.spec.loader import load_workspace  # YAML, the rules and every spec concept: only on a miss

    return load_workspace(root)


def spec_key(root: Path) -> bytes:
    """A digest of everything the loader reads or depends on (see the module docstring)."""
    digest = hashlib.sha256(FORMAT)

    def add(*parts: object) -> None:
        for part in parts:
            digest.update(str(part).encode("utf-8", "surrogateescape"))
            digest.update(b"\0")

    add(sys.version, root, os.path.expanduser("~"))
    for name in LIBRARIES:
        found = find_spec(name)
        origin = found.origin if found else None
        add(name, *_stat_of(Path(origin)) if origin else ("absent",))
    for code in sorted(_CODE.rglob("*.py")):
        add(code, *_stat_of(code))
    add("errors", *_stat_of(_CODE.parent / "errors.py"))
    for label, library in library_hash_files(list(Library)):
        _add_file(add, label, library)
    for name in CONFIG_NAMES:
        _add_file(add, name, root / name)
    for folder in SPEC_FOLDERS:
        base = root / folder
        add(folder, base.is_dir())
        if base.is_dir():
            for entry in sorted(base.iterdir()):
                _add_file(add, f"{folder}/{entry.name}", entry)
    _add_file(add, FIELDS_FILE, root / FIELDS_FILE)
    return digest.digest()


def _stat_of(path: Path) -> tuple[object, ...]:
    try:
        st = path.stat()
    except OSError:
        return ("absent",)
    return st.st_size, st.st_mtime_ns


def _add_file(add: Callable[..., None], name: str, path: Path) -> None:
    """The file's kind, size, mtime_ns and content digest (a link's target is what the loader reads)."""
    try:
        st = path.stat()
    except OSError:
        add(name, "link" if path.is_symlink() else "absent")
        return
    if not stat.S_ISREG(st.st_mode):
        add(name, "not a file", stat.S_IFMT(st.st_mode))
        return
    content = hashlib.sha256(path.read_bytes()).hexdigest() if st.st_size <= MAX_HASHED else "large"
    add(name, st.st_size, st.st_mtime_ns, content)


def _trusted(path: Path) -> bool:
    """A regular file this user owns, in a folder this user owns, neither writable by anyone else."""
    try:
        file = path.lstat()
    except OSError:
        return False
    return _trusted_folder(path.parent) and stat.S_ISREG(file.st_mode) and _private(file)


def _read(path: Path, key: bytes) -> Workspace | None:
    if not _trusted(path):
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = FORMAT + key
    if not data.startswith(head):
        return None  # another version's file, or another spec's: rebuilt by the caller
    try:
        workspace = pickle.loads(data[len(head) :])
    except Exception:  # a truncated or corrupt file: any unpickling error means "rebuild"
        return None
    return workspace if isinstance(workspace, Workspace) else None


def _write(path: Path, key: bytes, workspace: Workspace) -> None:
    folder = path.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not _trusted_folder(folder):
        return
    body = pickle.dumps(replace(workspace), protocol=pickle.HIGHEST_PROTOCOL)  # replace(): without resolutions
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".spec-cache-", suffix=".tmp")  # created 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(FORMAT + key + body)
        os.replace(tmp, path)  # readers see the old file or the new one, never half of one
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _trusted_folder(folder: Path) -> bool:
    try:
        st = folder.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and _private(st)


def _private(st: os.stat_result) -> bool:
    """Owned by this user and writable by no one else (what ssh asks of a key file)."""
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _paths_still_confined(workspace: Workspace) -> bool:
    """Source paths depend on the data (symlinks), not only on the spec: checked on every use."""
    from headway.spec.source_rules import check_source_paths

    return not check_source_paths(workspace)
