"""Bad rows of a CSV source: fail on them, skip and count them, or quarantine them to a file.

A bad row holds a value that does not convert to its column's declared type (`n/a` in an
amount, `2024-13-45` as a date). The typed view already leaves bad rows out under `skip` and
`quarantine`; this module counts them once per data version, writes quarantined rows to a CSV
file, and under `fail` stops the query with the first few bad values named.
"""

from __future__ import annotations

import csv
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlglot import exp

from headway.engine.backends import Backend
from headway.engine.csvread import bad_rows_select, physical_names
from headway.engine.files import DataError, SourceFiles
from headway.engine.sql import count_all
from headway.spec.csv_options import BadRows
from headway.spec.models import Source
from headway.spec.workspace import Workspace

SHOWN = 3
QUARANTINE_LIMIT = 100_000


@dataclass(frozen=True)
class BadRowReport:
    source: str
    count: int
    policy: BadRows
    quarantine: Path | None = None
    examples: tuple[dict[str, Any], ...] = ()


_seen: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], BadRowReport]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def quarantine_path(ws: Workspace, source: Source) -> Path:
    assert source.csv is not None
    return ws.path_of(source.csv.quarantine or f".headway/quarantine/{source.name}.csv")


def check_bad_rows(ws: Workspace, backend: Backend, source: Source, files: SourceFiles) -> BadRowReport | None:
    """Count (and quarantine) the source's bad rows once per data version; raise under `fail`."""
    if source.csv is None or files.format != "csv":
        return None
    with _lock:
        known = _seen.setdefault(backend, {})
        report = known.get((source.name, files.version))
    if report is None:
        report = _inspect(ws, backend, source, files)
        with _lock:
            known[(source.name, files.version)] = report
    if report.count and report.policy is BadRows.FAIL:
        raise DataError(_failure(report))
    return report


def _inspect(ws: Workspace, backend: Backend, source: Source, files: SourceFiles) -> BadRowReport:
    assert source.csv is not None
    relation, physical = backend.raw_relation(source, files)
    select = bad_rows_select(source, source.csv, physical_names(source, physical), relation, backend.dialect)
    policy = source.csv.bad_rows
    if select is None:
        return BadRowReport(source.name, 0, policy)
    dialect = backend.dialect.sqlglot
    counted = exp.select(count_all()).from_(select.subquery("bad"))
    _, rows = backend.execute(counted.sql(dialect))
    count = int(rows[0][0] or 0)
    if not count:
        return BadRowReport(source.name, 0, policy)
    limit = QUARANTINE_LIMIT if policy is BadRows.QUARANTINE else SHOWN
    names, bad = backend.execute(select.limit(limit).sql(dialect))
    examples = tuple(dict(zip(names, row, strict=True)) for row in bad)
    target = None
    if policy is BadRows.QUARANTINE:
        target = quarantine_path(ws, source)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(names)
            writer.writerows(bad)
    return BadRowReport(source.name, count, policy, target, examples[:SHOWN])


def _failure(report: BadRowReport) -> str:
    shown = "; ".join(", ".join(f"{k}={v!r}" for k, v in row.items()) for row in report.examples)
    return (
        f"source '{report.source}': {report.count} row(s) hold values that do not convert to their declared types "
        f"(e.g. {shown}). Fix the file, or set `csv: {{bad_rows: skip}}` (or quarantine) on the source."
    )
