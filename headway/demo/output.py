"""Where the demo writes, and how: a guarded folder and byte-stable Parquet.

A demo folder carries a manifest (`.headway-demo.json`) listing the files it
wrote. Generating again into it removes exactly those files first; any other
non-empty folder is refused, so a demo never overwrites someone's work.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

# every table the demo writes beside the monthly event files, as data/<name>.parquet
TABLES = (
    "accounts",
    "subscriptions",
    "surveys",
    "tickets",
    "headcount",
    "pulse",
)

MANIFEST = ".headway-demo.json"
ROW_GROUP = 262_144
# Columns of random identifiers never repeat, so dictionary-encoding them only wastes time.
NO_DICTIONARY = {"message_id", "sha", "timestamp"}


def prepare(target: Path) -> None:
    """Create `target`, or clear a previous demo in it; refuse any other non-empty folder."""
    if target.exists() and not target.is_dir():
        raise ValueError(f"{target} is a file; give a folder for the demo workspace")
    if not target.exists():
        target.mkdir(parents=True)
        return
    if not any(target.iterdir()):
        return
    manifest = target / MANIFEST
    if not manifest.is_file():
        raise ValueError(
            f"{target} is not empty and is not a Headway demo workspace; "
            "choose an empty or new folder so nothing in it is overwritten"
        )
    _remove_previous(target, manifest)


def _remove_previous(target: Path, manifest: Path) -> None:
    try:
        files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    except (ValueError, KeyError, TypeError):
        raise ValueError(f"{manifest} is unreadable; remove the folder or choose another one") from None
    root = target.resolve()
    for name in files:
        path = (target / name).resolve()
        if path.is_relative_to(root) and path.is_file():
            path.unlink()
    folders = {(target / name).resolve().parent for name in files}
    for folder in sorted(folders, key=lambda p: -len(p.parts)):
        if folder != root and folder.is_relative_to(root) and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    manifest.unlink()


def write_manifest(target: Path, seed: int, scale: str, files: list[str]) -> None:
    body = {"generator": "headway.demo", "seed": seed, "scale": scale, "files": sorted(files)}
    (target / MANIFEST).write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write with fixed options: zstd, ~256k-row groups, statistics, no wall-clock anywhere."""
    path.parent.mkdir(parents=True, exist_ok=True)
    dictionary = [name for name in _leaf_paths(table.schema) if name.split(".")[0] not in NO_DICTIONARY]
    pq.write_table(
        table,
        path,
        row_group_size=ROW_GROUP,
        compression="zstd",
        compression_level=3,
        use_dictionary=dictionary,
        write_statistics=True,
        version="2.6",
        data_page_version="1.0",
    )


def _leaf_paths(schema: pa.Schema) -> list[str]:
    out: list[str] = []
    for field in schema:
        if pa.types.is_struct(field.type):
            out.extend(f"{field.name}.{child.name}" for child in field.type)
        else:
            out.append(field.name)
    return out
