"""Copy a database table to Parquet through ADBC, so both engines read a database source alike.

A database source is a snapshot, not a live connection: DuckDB's own postgres/sqlite extensions
download from an extension host these machines cannot reach, and Spark would need a JDBC driver
per database. ADBC drivers ship as wheels and hand the table over as Arrow. The snapshot sits
in `.headway/snapshots/<source>.parquet`, beside a small JSON file saying when it was taken;
`headway source refresh` takes it again. Credentials come from the environment (libpq reads
PGUSER, PGPASSWORD, PGSSLMODE...), never from YAML.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.parquet as pq
from sqlglot import exp

SNAPSHOTS = ".headway/snapshots"


class SnapshotError(RuntimeError):
    """The database could not be read; the message names the database and table, never a password."""


@dataclass(frozen=True)
class Snapshot:
    source: str
    path: Path
    rows: int
    taken_at: dt.datetime
    url: str
    table: str


def snapshot_path(root: Path, source: str) -> Path:
    return root / SNAPSHOTS / f"{source}.parquet"


def _connect(url: str) -> Any:
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    if scheme == "postgresql":
        import adbc_driver_postgresql.dbapi as postgres

        return postgres.connect(url.replace(parts.scheme + "://", "postgresql://", 1))
    if scheme == "sqlite":
        import adbc_driver_sqlite.dbapi as sqlite

        return sqlite.connect(url.removeprefix("sqlite:///") or ":memory:")
    raise SnapshotError(f"'{parts.scheme}' is not a supported database; use postgresql:// or sqlite:///")


def _select_all(url: str, table: str) -> str:
    dialect = "postgres" if url.startswith("postgresql") else "sqlite"
    parts = table.split(".")
    target = exp.Table(
        this=exp.to_identifier(parts[-1], quoted=True),
        db=exp.to_identifier(parts[0], quoted=True) if len(parts) == 2 else None,
    )
    return exp.select("*").from_(target).sql(dialect)


def _plain(table: pa.Table) -> pa.Table:
    """Arrow types both engines read: microsecond timestamps, no extension types."""
    fields = []
    for f in table.schema:
        kind = f.type
        if isinstance(kind, pa.ExtensionType):
            kind = kind.storage_type
        if pa.types.is_timestamp(kind) and kind.unit == "ns":
            kind = pa.timestamp("us", tz=kind.tz)
        fields.append(pa.field(f.name, kind))
    return table.cast(pa.schema(fields), safe=False)


def read_table(url: str, table: str) -> pa.Table:
    where = f"{urlsplit(url)._replace(netloc=urlsplit(url).hostname or '').geturl()} table {table}"
    try:
        with _connect(url) as connection, connection.cursor() as cursor:
            cursor.execute(_select_all(url, table))
            return _plain(cursor.fetch_arrow_table())
    except SnapshotError:
        raise
    except Exception as error:  # each driver raises its own types
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SnapshotError(f"cannot read {where}: {first}") from None


def take_snapshot(root: Path, source: str, url: str, table: str) -> Snapshot:
    data = read_table(url, table)
    path = snapshot_path(root, source)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".parquet.tmp")
    pq.write_table(data, partial)
    partial.replace(path)  # readers never see half a file
    taken = dt.datetime.now(dt.UTC).replace(microsecond=0)
    meta = {"url": url, "table": table, "rows": data.num_rows, "taken_at": taken.isoformat()}
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return Snapshot(source, path, data.num_rows, taken, url, table)


def last_snapshot(root: Path, source: str) -> Snapshot | None:
    meta_path = snapshot_path(root, source).with_suffix(".json")
    if not meta_path.is_file():
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    taken = dt.datetime.fromisoformat(meta["taken_at"])
    return Snapshot(source, snapshot_path(root, source), meta["rows"], taken, meta["url"], meta["table"])
