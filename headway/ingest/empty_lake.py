"""An empty lake for a workspace that has received no event yet, so its event metrics say "no data".

Before the first event there was no file for the built-in `events` and `people` sources to read,
and every query on them failed with "no files match" (a 500 on the API). One empty Parquet file
with the lake's schema, in `events/_empty/` (a plain folder: the compactor and retention only
treat linked day folders as days), and an empty identity mapping make both sources exist with no
rows, as the delivery tables do. Each file is created only where none exists, with a hard link
from a private temporary file, so a mapping the compactor has just written is never replaced.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from headway.ingest.lake import PEOPLE_SCHEMA, SCHEMA
from headway.spec.layout import EMPTY_EVENTS_FILE, PEOPLE_FILE


def ensure_empty_lake(root: Path) -> bool:
    """Write whichever of the two files is missing; True when anything was written."""
    written = False
    for name, schema in ((EMPTY_EVENTS_FILE, SCHEMA), (PEOPLE_FILE, PEOPLE_SCHEMA)):
        target = root / name
        if not target.exists():
            written = _create(target, schema.empty_table()) or written
    return written


def _create(target: Path, table: pa.Table) -> bool:
    """Create `target` holding `table` unless it exists by then (never overwriting)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".empty-", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        pq.write_table(table, temp)
        os.link(temp, target)  # fails if the compactor wrote the real file meanwhile: keep that one
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(temp)
