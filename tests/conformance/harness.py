"""Conformance cases as data: load a case file, build its workspace, run its oracle, compare rows.

A case file (`cases/*.yml`) holds everything one workspace needs plus the questions to ask it:

    description: what the case pins down
    settings: {timezone: America/New_York, week_start: monday}   # headway.yml (name is filled in)
    tables:                       # inline data, written to data/<table>.<format>
      orders:
        format: parquet           # or csv (every value written as text, exactly as given)
        columns: {order_id: string, ts: timestamp, amount: double, props: {feature: string}}
        rows:
          - [o1, "2024-01-01 10:00:00", 12.5, {feature: export}]
    sources:                      # sources/*.yml entries; `path`, `format` and column types come
      - name: orders              #   from the table of the same name (or `table:`); list a column
        time: ts                  #   only to add `entity:` and the like
    metrics: [...]                # metrics/*.yml entries, verbatim
    queries:
      - id: orders_by_day         # unique across all case files; test ids are `<id>[<engine>]`
        metric: orders
        grain: day                # by, from, to, where, compare as in `headway query`
        expect:                   # positional: period, *by, value, n (+ compare_period,
          - [2024-01-01, 3, 3]    #   compare_value, change, change_pct with --compare)
        oracle: |                 # and/or: hand-written DuckDB SQL over the same tables,
          SELECT ...              #   returning columns named like the result keys
        xfail: {spark: "reason"}  # optional, strict; a string applies to every engine
        exact: true               # optional: values must be equal, not merely within 1e-9

Column types are the spec's (string, integer, double, boolean, timestamp, date, `decimal(p,s)`,
a {field: type} mapping for a struct) plus `timestamptz`, a Parquet timestamp with time zone UTC (declared
`timestamp` in the source). Timestamps in tables are UTC instants; a string with an offset
(`2024-03-10T01:30:00-05:00`) is the instant it names. The oracle sees the tables as typed DuckDB
tables (timestamps as UTC `TIMESTAMP`, `timestamptz` as `TIMESTAMPTZ`) on a connection whose time
zone is UTC, and never goes through Headway's compiler.

A CSV table may give `raw:` text instead of `rows:` (written as is, in `encoding:`, default utf-8),
to exercise a source's `csv:` options; its `columns` then only declare the types.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from headway.engine import Compare, Query
from headway.spec.models import Grain

CASES_DIR = Path(__file__).parent / "cases"
ENGINES = ("duckdb", "spark")
SCALAR_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
    "timestamp": pa.timestamp("us"),
    "timestamptz": pa.timestamp("us", tz="UTC"),  # Parquet's instant type; declared `timestamp` in the source
    "date": pa.date32(),
}
COMPARE_COLUMNS = ("compare_period", "compare_value", "change", "change_pct")
REL_TOL = 1e-9


# -- case files ---------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    name: str
    format: str
    columns: dict[str, Any]  # name -> scalar type name, or {field: type} for a struct
    rows: list[list[Any]]
    raw: str | None = None  # CSV text written byte for byte (for CSV options); rows then stay empty
    encoding: str = "utf-8"

    @property
    def file_name(self) -> str:
        return f"{self.name}.{self.format}"


@dataclass(frozen=True, eq=False)
class CaseQuery:
    id: str
    case: Case = field(repr=False)
    query: Query
    expect: list[list[Any]] | None
    oracle: str | None
    xfail: dict[str, str]
    exact: bool = False  # values must equal the expected ones exactly (decimal sums), not to 1e-9

    @property
    def columns(self) -> list[str]:
        extra = list(COMPARE_COLUMNS) if self.query.compare is not None else []
        if self.query.stats:  # the cases with statistics are medians and percentiles: their order statistics
            extra += ["ci_low_value", "ci_high_value"]
        return ["period", *self.query.by, "value", "n", *extra]


@dataclass(frozen=True, eq=False)
class Case:
    name: str
    path: Path
    settings: dict[str, Any]
    tables: dict[str, Table]
    sources: list[dict[str, Any]]
    metrics: list[dict[str, Any]]
    queries: list[CaseQuery] = field(default_factory=list)


CASE_KEYS = {"description", "settings", "tables", "sources", "metrics", "queries"}
QUERY_KEYS = {"id", "metric", "grain", "by", "from", "to", "where", "compare", "expect", "oracle", "xfail", "exact"}
QUERY_KEYS |= {"stats"}  # also return sufficient statistics: the values must not change, the SQL is pinned


def load_cases(folder: Path = CASES_DIR) -> list[Case]:
    cases = [load_case(path) for path in sorted(folder.glob("*.yml"))]
    seen: dict[str, str] = {}
    for case in cases:
        for q in case.queries:
            if q.id in seen:
                raise ValueError(f"query id '{q.id}' is used in {seen[q.id]} and {case.path.name}")
            seen[q.id] = case.path.name
    return cases


def load_case(path: Path) -> Case:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    _no_extra(raw, CASE_KEYS, path.name)
    tables = {name: _table(name, spec) for name, spec in raw["tables"].items()}
    case = Case(path.stem, path, raw.get("settings") or {}, tables, raw["sources"], raw["metrics"])
    case.queries.extend(_query(case, spec) for spec in raw["queries"])
    return case


def _no_extra(raw: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = set(raw) - allowed
    if extra:
        raise ValueError(f"{where}: unknown keys {sorted(extra)}; allowed: {sorted(allowed)}")


def _table(name: str, spec: dict[str, Any]) -> Table:
    columns = spec["columns"]
    for row in spec.get("rows", []):
        if len(row) != len(columns):
            raise ValueError(f"table {name}: row {row} has {len(row)} values for {len(columns)} columns")
    fmt = spec.get("format", "parquet")
    encoding = spec.get("encoding", "utf-8")
    return Table(name, fmt, columns, spec.get("rows", []), spec.get("raw"), encoding)


def _query(case: Case, spec: dict[str, Any]) -> CaseQuery:
    _no_extra(spec, QUERY_KEYS, f"{case.path.name} query {spec.get('id')}")
    if "expect" not in spec and "oracle" not in spec:
        raise ValueError(f"{case.path.name} query {spec['id']}: give `expect`, `oracle` or both")
    query = Query(
        metric=spec["metric"],
        grain=Grain(spec.get("grain", "week")),
        by=tuple(spec.get("by", ())),
        start=spec.get("from"),
        end=spec.get("to"),
        where=spec.get("where"),
        compare=Compare(spec["compare"]) if spec.get("compare") else None,
        stats=bool(spec.get("stats", False)),
    )
    xfail = spec.get("xfail") or {}
    if isinstance(xfail, str):
        xfail = dict.fromkeys(ENGINES, xfail)
    exact = bool(spec.get("exact", False))
    return CaseQuery(spec["id"], case, query, spec.get("expect"), spec.get("oracle"), xfail, exact)


# -- values -------------------------------------------------------------------


def utc_instant(value: Any) -> dt.datetime | None:
    """A table timestamp as a naive UTC datetime (strings may carry an offset)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _typed(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(kind, dict):
        return {name: _typed(sub, value.get(name)) for name, sub in kind.items()}
    if kind in ("timestamp", "timestamptz"):
        return utc_instant(value)
    if kind == "date":
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    if kind == "double":
        return float(value)
    if isinstance(kind, str) and kind.startswith("decimal"):
        return Decimal(str(value))
    return value


def _arrow_type(kind: Any) -> pa.DataType:
    if isinstance(kind, dict):
        return pa.struct([(name, _arrow_type(sub)) for name, sub in kind.items()])
    if kind.startswith("decimal"):
        precision, scale = decimal_size(kind)
        return pa.decimal128(precision, scale)
    return SCALAR_TYPES[kind]


def decimal_size(kind: str) -> tuple[int, int]:
    """`decimal(12,2)` -> (12, 2)."""
    precision, scale = kind.removeprefix("decimal(").rstrip(")").split(",")
    return int(precision), int(scale)


def arrow_table(table: Table) -> pa.Table:
    arrays = {}
    for i, (name, kind) in enumerate(table.columns.items()):
        values = [_typed(kind, row[i]) for row in table.rows]
        arrays[name] = pa.array(values, type=_arrow_type(kind))
    return pa.table(arrays)


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


# -- workspace ----------------------------------------------------------------


def write_workspace(case: Case, root: Path) -> Path:
    """headway.yml, sources/, metrics/ and data/ for one case, in `root`."""
    (root / "data").mkdir(parents=True)
    (root / "sources").mkdir()
    (root / "metrics").mkdir()
    settings = {"name": case.name, "engine": "duckdb", **case.settings}
    _dump(root / "headway.yml", settings)
    for table in case.tables.values():
        _write_table(table, root / "data" / table.file_name)
    _dump(root / "sources" / "sources.yml", {"sources": [_source(case, s) for s in case.sources]})
    _dump(root / "metrics" / "metrics.yml", {"metrics": case.metrics})
    return root


def _dump(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _write_table(table: Table, path: Path) -> None:
    if table.raw is not None:
        path.write_bytes(table.raw.encode(table.encoding))
        return
    if table.format == "parquet":
        pq.write_table(arrow_table(table), path)
        return
    if any(isinstance(kind, dict) for kind in table.columns.values()):
        raise ValueError(f"table {table.name}: CSV cannot hold struct columns")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.columns)
        writer.writerows([_csv_text(v) for v in row] for row in table.rows)


def _source(case: Case, spec: dict[str, Any]) -> dict[str, Any]:
    """The source entry, with path, format and column types filled in from its table."""
    spec = dict(spec)
    table = case.tables[spec.pop("table", spec["name"])]
    declared = spec.get("columns") or {}
    columns = {}
    for name, kind in table.columns.items():
        declared_type = "timestamp" if kind == "timestamptz" else kind
        column = {"type": "struct", "fields": kind} if isinstance(kind, dict) else {"type": declared_type}
        if isinstance(kind, str) and kind.startswith("decimal"):
            precision, scale = decimal_size(kind)
            column = {"type": "decimal", "precision": precision, "scale": scale}
        columns[name] = {**column, **(declared.get(name) or {})}
    return {"path": f"data/{table.file_name}", "format": table.format, **spec, "columns": columns}


def metric_line(root: Path, metric_id: str) -> str:
    """`metrics/metrics.yml:<line>` of the metric's entry, found by reading the written file."""
    lines = (root / "metrics" / "metrics.yml").read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.strip() == f"- id: {metric_id}")
    return f"metrics/metrics.yml:{number}"


# -- oracle and comparison ------------------------------------------------------


def run_oracle(case: Case, sql: str) -> tuple[list[str], list[list[Any]]]:
    """The oracle's columns and rows, from DuckDB alone over the case's tables."""
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        for table in case.tables.values():
            con.register("inline_rows", arrow_table(table))
            con.execute(f'CREATE TABLE "{table.name}" AS SELECT * FROM inline_rows')
            con.unregister("inline_rows")
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description or []]
        return names, [list(row) for row in cursor.fetchall()]
    finally:
        con.close()


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def as_dicts(columns: list[str], rows: list[list[Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"row {row} has {len(row)} values for columns {columns}")
        out.append({c: plain(v) for c, v in zip(columns, row, strict=True)})
    return out


def sort_key(dims: tuple[str, ...]) -> Any:
    """Period, then each dimension with nulls last: the order results are promised in."""
    return lambda row: (row["period"] or "", *[(row[d] is None, row[d] if row[d] is not None else "") for d in dims])


def mismatches(actual: list[dict[str, Any]], expected: list[dict[str, Any]], exact: bool = False) -> list[str]:
    """Human-readable differences; empty when the rows agree (n and keys exactly, floats to 1e-9)."""
    problems = []
    if len(actual) != len(expected):
        problems.append(f"{len(actual)} rows, expected {len(expected)}")
    for i, (got, want) in enumerate(zip(actual, expected, strict=False)):
        if list(got) != list(want):
            problems.append(f"row {i}: columns {list(got)}, expected {list(want)}")
            continue
        keys = ("n", "period", "compare_period")
        bad = [
            k
            for k in want
            if not same(got[k], want[k], exact=k in keys) or (exact and k == "value" and got[k] != want[k])
        ]
        if bad:
            problems.append(f"row {i}: {got} != expected {want} (at {', '.join(bad)})")
    return problems


def same(got: Any, want: Any, *, exact: bool) -> bool:
    if got is None or want is None:
        return got is None and want is None
    if isinstance(want, bool) or isinstance(got, bool) or isinstance(want, str) or isinstance(got, str):
        return bool(got == want and type(got) is type(want))
    if exact:
        return bool(got == want and isinstance(got, int) and isinstance(want, int))
    return math.isclose(float(got), float(want), rel_tol=REL_TOL, abs_tol=1e-12)
