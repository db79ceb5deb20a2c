"""The lake the engine reads: `.headway/lake/events/<day>/*.parquet`, one folder per UTC day.

Each day folder is a symbolic link to a versioned folder. New events add a file to the current
version (written to a hidden temporary name, fsync'd, then renamed in). When a day holds too many
files of one size tier, those are rewritten into one file in a new version folder (the others are
hard-linked into it) and the link is swapped with one atomic rename: a reader sees either the files
before the merge or after it, never both.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from headway.ingest.log import fsync_dir
from headway.spec.builtin_events import CONTEXT_COLUMNS
from headway.spec.layout import LAKE_DIR, PEOPLE_FILE

SMALL_BYTES = 1 << 20  # files under 1 MB are tier 0 of the size-tiered merge
MAX_MERGED_BYTES = 256 << 20  # a file this large is final: never merged again

STRING_MAP = pa.map_(pa.string(), pa.string())
TIMESTAMP = pa.timestamp("us", tz="UTC")
SCHEMA = pa.schema(
    [
        ("message_id", pa.string()),
        ("type", pa.string()),
        ("event", pa.string()),
        ("user_id", pa.string()),
        ("anonymous_id", pa.string()),
        ("person_key", pa.string()),
        ("account_id", pa.string()),
        ("timestamp", TIMESTAMP),
        ("original_timestamp", TIMESTAMP),
        ("sent_at", TIMESTAMP),
        ("received_at", TIMESTAMP),
        ("source", pa.string()),
        *((name, pa.string()) for name in CONTEXT_COLUMNS),
        ("properties", STRING_MAP),
        ("context", STRING_MAP),
    ]
)
# the identity mapping the built-in `people` source reads: each event's person_key -> its person
PEOPLE_SCHEMA = pa.schema([("person_key", pa.string()), ("person_id", pa.string())])


def write_atomic(table: pa.Table, target: Path) -> None:
    """Write to a hidden name, fsync, rename into place, fsync the folder."""
    temp = target.with_name(f".{target.name}.tmp")
    pq.write_table(table, temp, compression="zstd")
    with temp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temp, target)
    fsync_dir(target.parent)


def size_tier(size: int, threshold: int, small_bytes: int = SMALL_BYTES) -> int:
    """0 under `small_bytes`, then one tier per factor `threshold` of size."""
    tier, limit = 0, small_bytes
    while size >= limit:
        tier, limit = tier + 1, limit * threshold
    return tier


class Lake:
    def __init__(self, root: Path):
        self.base = root / LAKE_DIR
        self.events = self.base / "events"
        self.versions = self.base / ".versions"
        self.people = root / PEOPLE_FILE

    def write_people(self, keys: list[str], persons: list[str]) -> None:
        """Replace the identity mapping, atomically: a query reads the old mapping or the new one."""
        self.people.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(pa.table({"person_key": keys, "person_id": persons}, schema=PEOPLE_SCHEMA), self.people)

    def days(self) -> list[str]:
        if not self.events.is_dir():
            return []
        return sorted(p.name for p in self.events.iterdir() if p.is_symlink() and not p.name.startswith("."))

    def day_folder(self, day: str) -> Path:
        """The current version folder of a day, created (with its link) when new."""
        link = self.events / day
        if link.is_symlink():
            return link.resolve()
        return self._swap(day, self._new_version(day))

    def _new_version(self, day: str) -> Path:
        folder = self.versions / day
        folder.mkdir(parents=True, exist_ok=True)
        numbers = [int(p.name[1:]) for p in folder.iterdir() if p.name.startswith("v") and p.name[1:].isdigit()]
        version = folder / f"v{max(numbers, default=0) + 1}"
        version.mkdir()
        return version

    def _swap(self, day: str, version: Path) -> Path:
        self.events.mkdir(parents=True, exist_ok=True)
        temp = self.events / f".{day}.link"
        if temp.is_symlink():
            temp.unlink()
        os.symlink(os.path.relpath(version, self.events), temp)
        os.replace(temp, self.events / day)
        fsync_dir(self.events)
        return version

    def files(self, day: str) -> list[Path]:
        link = self.events / day
        return sorted(link.glob("*.parquet")) if link.is_symlink() else []

    def add(self, day: str, name: str, table: pa.Table) -> None:
        write_atomic(table.cast(SCHEMA), self.day_folder(day) / name)

    def merge(self, day: str, threshold: int, small_bytes: int = SMALL_BYTES) -> bool:
        """Size-tiered merging: once `threshold` files of one size tier pile up, rewrite those into one.

        Tier 0 holds files under `small_bytes`; each tier above holds files `threshold` times larger.
        Larger files are linked unchanged into the new version, so a busy day is never rewritten
        whole again and again (which made compaction's cost grow with the day's size), and a day
        still stays at a few files per tier. True when it merged.
        """
        files = self.files(day)
        tiers: dict[int, list[Path]] = defaultdict(list)
        for path in files:
            size = path.stat().st_size
            if size < MAX_MERGED_BYTES:
                tiers[size_tier(size, threshold, small_bytes)].append(path)
        group = next((tiers[t] for t in sorted(tiers) if len(tiers[t]) >= threshold), None)
        if group is None:
            return False
        merged = pa.concat_tables([pq.read_table(f, schema=SCHEMA) for f in group])
        self.rewrite(day, merged, keep=[f for f in files if f not in group])
        return True

    def rewrite(self, day: str, table: pa.Table, keep: list[Path] | None = None) -> None:
        """Replace a day with `table` (sorted by time) plus the `keep` files (hard-linked, not copied),
        atomically; an empty table with nothing kept removes the day."""
        old = (self.events / day).resolve() if (self.events / day).is_symlink() else None
        keep = keep or []
        if table.num_rows == 0 and not keep:
            (self.events / day).unlink(missing_ok=True)
            fsync_dir(self.events)
        else:
            version = self._new_version(day)
            for path in keep:
                os.link(path, version / path.name)
            if table.num_rows:
                table = table.sort_by([("timestamp", "ascending"), ("message_id", "ascending")])
                write_atomic(table.cast(SCHEMA), version / f"events-{day}-{version.name}.parquet")
            else:
                fsync_dir(version)
            self._swap(day, version)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def clean(self) -> None:
        """Remove version folders no link points at (left by a crash in the middle of a merge)."""
        if not self.versions.is_dir():
            return
        live = {(self.events / d).resolve() for d in self.days()}
        for day in self.versions.iterdir():
            for version in day.iterdir():
                if version.resolve() not in live:
                    shutil.rmtree(version, ignore_errors=True)
