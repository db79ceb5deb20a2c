"""The canonical tables' Arrow schemas, read from the library's own sources.yml (one definition)."""

from __future__ import annotations

import datetime as dt
import functools
import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from headway.spec.delivery_config import DERIVED_STAMP, DeliveryConfig, derived_with
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
    columns = {}
    for f in schema:
        convert = _converter(f.type)
        columns[f.name] = [convert(r.get(f.name)) for r in rows]
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


def write_stamp(root: Path, config: DeliveryConfig, timezone: str) -> None:
    """Record what the tables were derived with, after they were written (see `derived_with`)."""
    path = root / DERIVED_STAMP
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(derived_with(config, timezone) + "\n", encoding="utf-8")


def _converter(kind: pa.DataType) -> Callable[[Any], Any]:
    """One column's cell conversion, chosen once per column rather than once per cell."""
    if pa.types.is_timestamp(kind):
        return _timestamp
    casts: tuple[tuple[Callable[[pa.DataType], bool], Callable[[Any], Any]], ...] = (
        (pa.types.is_integer, int),
        (pa.types.is_floating, float),
        (pa.types.is_boolean, bool),
    )
    for check, cast in casts:
        if check(kind):
            return functools.partial(_cast, cast)
    return _same


def _cast(cast: Callable[[Any], Any], value: Any) -> Any:
    return None if value is None else cast(value)


def _same(value: Any) -> Any:
    return value


def _timestamp(value: Any) -> Any:
    if isinstance(value, str):
        parsed = dt.datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return value
