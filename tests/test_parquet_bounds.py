"""A time column's first and last value read from Parquet footers must equal a scan of the rows.

Expected values come from pyarrow's own min/max over the written arrays (never from DuckDB),
and files whose footers cannot vouch for the answer must fall back to scanning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from headway.engine.backends import parquet_bounds
from headway.engine.backends.duckdb import DuckDBBackend
from headway.engine.files import SourceFiles
from headway.spec.models import Column, ColumnType, Source

UTC = dt.UTC


@pytest.fixture(autouse=True)
def footers_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """These files are tiny; read their footers anyway (the size threshold is only about speed)."""
    monkeypatch.setattr(parquet_bounds, "MIN_BYTES", 0)


@pytest.fixture
def backend() -> Iterator[DuckDBBackend]:
    runner = DuckDBBackend()
    yield runner
    runner.close()


def source(kind: ColumnType, paths: list[Path], column: str = "at") -> tuple[Source, SourceFiles]:
    spec = Source(name="facts", path="data/*.parquet", time=column, columns={column: Column(type=kind)})
    return spec, SourceFiles("facts", "parquet", tuple(str(p) for p in paths), "v1")


def write(path: Path, values: list[Any], kind: pa.DataType, **options: Any) -> Path:
    pq.write_table(pa.table({"at": pa.array(values, type=kind)}), path, row_group_size=2, **options)
    return path


def expected(values: list[Any], kind: pa.DataType) -> tuple[Any, Any]:
    found = pc.min_max(pa.array(values, type=kind)).as_py()
    low, high = found["min"], found["max"]
    if isinstance(low, dt.datetime) and low.tzinfo is not None:
        low, high = low.astimezone(UTC).replace(tzinfo=None), high.astimezone(UTC).replace(tzinfo=None)
    return low, high


def bounds(backend: DuckDBBackend, spec: Source, files: SourceFiles) -> tuple[Any, Any]:
    backend.prepare(spec, files)
    return backend.min_max(spec, spec.time or "")


ZONED = pa.timestamp("us", tz="UTC")
NAIVE = pa.timestamp("us")
# instants in several zones, unsorted, with nulls and a row group of nulls only
FIRST = [
    dt.datetime(2024, 3, 10, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    None,
    dt.datetime(2023, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    dt.datetime(2024, 1, 1, 5, 30, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
]
SECOND = [None, None, dt.datetime(2025, 6, 30, 23, 0, tzinfo=UTC), dt.datetime(2024, 7, 1, tzinfo=UTC)]


@pytest.mark.parametrize("kind", [ZONED, NAIVE], ids=["timestamptz", "timestamp"])
def test_footers_give_the_scanned_first_and_last_instant(backend: DuckDBBackend, tmp_path: Path, kind: Any) -> None:
    values = [FIRST, SECOND]
    if kind == NAIVE:
        values = [[v.astimezone(UTC).replace(tzinfo=None) if v else None for v in part] for part in values]
    paths = [write(tmp_path / f"part-{i}.parquet", part, kind) for i, part in enumerate(values)]
    spec, files = source(ColumnType.TIMESTAMP, paths)
    backend.prepare(spec, files)
    from_footers = backend._min_max_from_stats(spec, "at")
    assert from_footers is not None, "these files carry exact statistics: the footers should answer"
    assert from_footers == expected(values[0] + values[1], kind)
    assert bounds(backend, spec, files) == from_footers


def test_dates_from_footers(backend: DuckDBBackend, tmp_path: Path) -> None:
    days = [dt.date(2024, 2, 29), None, dt.date(1999, 12, 31), dt.date(2031, 1, 1), dt.date(2024, 1, 1)]
    spec, files = source(ColumnType.DATE, [write(tmp_path / "days.parquet", days, pa.date32())])
    backend.prepare(spec, files)
    assert backend._min_max_from_stats(spec, "at") == (dt.date(1999, 12, 31), dt.date(2031, 1, 1))


def test_files_without_statistics_are_scanned(backend: DuckDBBackend, tmp_path: Path) -> None:
    values = [dt.datetime(2024, 5, 1, 12), dt.datetime(2024, 1, 2, 3), None]
    path = write(tmp_path / "bare.parquet", values, NAIVE, write_statistics=False)
    spec, files = source(ColumnType.TIMESTAMP, [path])
    backend.prepare(spec, files)
    assert backend._min_max_from_stats(spec, "at") is None, "no statistics: the footers cannot vouch"
    assert bounds(backend, spec, files) == expected(values, NAIVE)


def test_a_column_the_view_converts_is_scanned(backend: DuckDBBackend, tmp_path: Path) -> None:
    """Text timestamps order as text, not as instants: only a scan of the typed view is right."""
    values = ["2024-01-02 00:00:00+05:00", "2023-12-31 23:00:00-05:00", "2024-01-01 10:00:00"]
    path = write(tmp_path / "text.parquet", values, pa.string())
    spec, files = source(ColumnType.TIMESTAMP, [path])
    backend.prepare(spec, files)
    assert backend._min_max_from_stats(spec, "at") is None
    assert bounds(backend, spec, files) == (dt.datetime(2024, 1, 1, 4, 0), dt.datetime(2024, 1, 1, 19, 0))


def test_all_null_column(backend: DuckDBBackend, tmp_path: Path) -> None:
    spec, files = source(ColumnType.TIMESTAMP, [write(tmp_path / "nulls.parquet", [None, None, None], NAIVE)])
    backend.prepare(spec, files)
    assert backend._min_max_from_stats(spec, "at") == (None, None)
    assert bounds(backend, spec, files) == (None, None)
