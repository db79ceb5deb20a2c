"""People resolution per compaction pass: the pass-by-pass resolver against the full replay.

A synthetic identity database with N anonymous ids, N/2 users and N identify links, then passes
that each add 100 new visitors and 50 identifies; each pass is resolved both ways, interleaved,
and the mappings are checked equal. Prints the median seconds per pass of each.

    python bench/people_resolution.py [N]      # default 200000 (300k ids in all)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from headway.ingest.db import IngestDB
from headway.ingest.identity import resolve_people
from headway.ingest.lake import Lake
from headway.ingest.resolver import Resolver
from headway.spec.ingest_settings import IngestSettings

PASSES = 5
MARKS = "(?, ?, ?, ?, ?, ?)"


def main(n: int) -> None:
    root = Path(tempfile.mkdtemp())
    db = IngestDB(root / ".headway" / "ingest" / "ingest.db")
    with db.transaction() as con:
        keys = [(f"anon:d{i}",) for i in range(n)] + [(f"user:u{i}",) for i in range(n // 2)]
        con.executemany("INSERT INTO person_keys VALUES (?)", keys)
        links = [(1, i, "identify", f"d{i}", f"u{i // 2}", i) for i in range(n)]
        con.executemany(f"INSERT INTO identity_log (segment, line, kind, a, b, received_at) VALUES {MARKS}", links)
    settings = IngestSettings()
    resolver = Resolver(settings)
    started = time.perf_counter()
    resolver.update(db, Lake(root / "a"))
    first = time.perf_counter() - started
    full, incremental = [], []
    for p in range(PASSES):
        new = [f"anon:x{p}-{i}" for i in range(100)]
        with db.transaction() as con:
            con.executemany("INSERT INTO person_keys VALUES (?)", [(k,) for k in new])
            rows = [(2 + p, i, "identify", f"x{p}-{i}", f"u{i}", n + p * 1000 + i) for i in range(50)]
            con.executemany(f"INSERT INTO identity_log (segment, line, kind, a, b, received_at) VALUES {MARKS}", rows)
        started = time.perf_counter()
        resolver.update(db, Lake(root / "a"), set(new))
        incremental.append(time.perf_counter() - started)
        started = time.perf_counter()
        resolve_people(db, Lake(root / "b"), settings)
        full.append(time.perf_counter() - started)
        a = pq.read_table(root / "a/.headway/lake/people/people.parquet").to_pylist()
        b = pq.read_table(root / "b/.headway/lake/people/people.parquet").to_pylist()
        assert sorted(map(str, a)) == sorted(map(str, b)), "the two mappings differ"
    total = n + n // 2
    print(f"{total:,} ids: first pass (a replay) {first:.2f} s; then per pass of 100 new ids and 50 links:")
    print(f"  full replay {statistics.median(full):.3f} s, pass by pass {statistics.median(incremental):.3f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
