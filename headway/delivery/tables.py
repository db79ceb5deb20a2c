"""The canonical tables' Arrow schemas, read from the library's own sources.yml (one definition)."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from headway.spec.library import Library, library_files

ARROW = {
    "string": pa.string(),
    "integer": pa.int64(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "date": pa.date32(),
}
TABLES = (
    "changes",
    "commits",
    "deployments",
    "deployment_changes",
    "incidents",
    "work_items",
    "sprints",
    "investment",
    "work_item_age",
)


@cache
def schemas() -> dict[str, pa.Schema]:
    doc = yaml.safe_load(library_files(Library.DELIVERY)["sources"].read_text(encoding="utf-8"))
    return {
        s["name"]: pa.schema([(name, ARROW[c["type"]]) for name, c in s["columns"].items()]) for s in doc["sources"]
    }


def lake_dir(root: Path) -> Path:
    return root / ".headway" / "lake" / "delivery"


def table_path(root: Path, table: str) -> Path:
    return lake_dir(root) / table / "data.parquet"


def write_table(root: Path, table: str, rows: list[dict[str, Any]]) -> None:
    """Rewrite one table atomically: a reader sees the old file or the new one, never half of one."""
    schema = schemas()[table]
    columns = {f.name: [_cell(r.get(f.name), f.type) for r in rows] for f in schema}
    data = pa.table({name: pa.array(values, schema.field(name).type) for name, values in columns.items()})
    path = table_path(root, table)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".data-", suffix=".parquet")
    os.close(fd)
    try:
        pq.write_table(data, temp)
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _cell(value: Any, kind: pa.DataType) -> Any:
    if value is None:
        return None
    if pa.types.is_timestamp(kind) and isinstance(value, str):
        parsed = dt.datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    if pa.types.is_integer(kind):
        return int(value)
    if pa.types.is_floating(kind):
        return float(value)
    if pa.types.is_boolean(kind):
        return bool(value)
    return value
