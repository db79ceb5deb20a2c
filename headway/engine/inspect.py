"""Look at data files and propose a source: column types from DuckDB's own sniffer, plus guesses.

DuckDB's `sniff_csv` finds the dialect (delimiter, quote, header) and the types; Parquet files
carry their types. On top of that, a few guesses a person would make, each reported so the
written YAML can say where it guessed: a time column, a primary key that is unique in the data,
entity keys by name (`customer_id` -> customer), `yyyymmdd` numbers that are dates, a decimal
comma, money columns as exact decimals, and text columns that are numbers but for a few bad values.
"""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from sqlglot import exp

from headway.engine.sql import col
from headway.spec.models import IDENT_PATTERN

SAMPLE = 200_000
_NUMBER = r"^-?\d+(\.\d+)?$"
_COMMA_NUMBER = r"^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+(,\d+)?$"
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
_ISO_TIMESTAMP = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
_YYYYMMDD = r"^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$"
_MONEY = re.compile(r"(amount|price|total|revenue|cost|mrr|arr|fee|tax|paid|balance|net|gross|eur|usd)", re.I)
_TIME_NAMES = ("created_at", "timestamp", "ts", "time", "event_time", "occurred_at", "date", "day")
TYPES = {
    "VARCHAR": "string",
    "BOOLEAN": "boolean",
    "DOUBLE": "double",
    "FLOAT": "double",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamp",
    "TIMESTAMP_NS": "timestamp",
    "TIMESTAMP_MS": "timestamp",
    "TIMESTAMP_S": "timestamp",
}
_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")


@dataclass
class ColumnGuess:
    name: str
    type: str
    precision: int | None = None
    scale: int | None = None
    entity: str | None = None
    note: str = ""  # why Headway guessed, written as a YAML comment


@dataclass
class SourceGuess:
    name: str
    path: str
    format: str
    columns: list[ColumnGuess]
    rows: int
    csv: dict[str, Any] = field(default_factory=dict)
    csv_notes: dict[str, str] = field(default_factory=dict)
    time: str | None = None
    time_note: str = ""
    left_out: list[str] = field(default_factory=list)  # columns whose names a spec cannot hold
    primary_key: str | None = None
    primary_key_note: str = ""


class InspectError(ValueError):
    """The path cannot be read as data."""


def matching_files(root: Path, path: str) -> list[str]:
    pattern = str(Path(path) if Path(path).is_absolute() else root / path)
    found = sorted(glob.glob(pattern, recursive=True)) if glob.has_magic(pattern) else [pattern]
    return [f for f in found if Path(f).is_file()]


def file_format(path: str) -> str:
    lowered = path.lower().rstrip("*")
    if lowered.endswith((".csv", ".csv.gz", ".tsv", ".txt")):
        return "csv"
    if lowered.endswith((".parquet", ".pq")):
        return "parquet"
    raise InspectError(f"cannot tell the format of '{path}'; Headway reads .csv (also .csv.gz) and .parquet files")


def inspect_files(root: Path, path: str, name: str) -> SourceGuess:
    files = matching_files(root, path)
    if not files:
        raise InspectError(f"no files match '{path}'")
    fmt = file_format(path)
    con = duckdb.connect(":memory:", config={"memory_limit": "1GB"})
    try:
        con.execute("SET TimeZone = 'UTC'")
        if fmt == "csv":
            return _inspect_csv(con, files, path, name)
        relation = _reader("read_parquet", files, {"union_by_name": exp.true()})
        return _finish(con, relation, name, path, fmt, _describe(con, relation), {}, {})
    except duckdb.Error as error:
        raise InspectError(f"cannot read '{path}': {str(error).splitlines()[0]}") from None
    finally:
        con.close()


def _reader(function: str, files: list[str], options: dict[str, exp.Expr]) -> exp.Expr:
    paths = exp.Array(expressions=[exp.Literal.string(p) for p in files])
    args = [paths, *[exp.EQ(this=exp.var(k), expression=v) for k, v in options.items()]]
    return exp.Table(this=exp.Anonymous(this=function, expressions=args))


def _describe(con: duckdb.DuckDBPyConnection, relation: exp.Expr) -> dict[str, str]:
    rows = con.execute(f"DESCRIBE SELECT * FROM {relation.sql('duckdb')}").fetchall()
    return {row[0]: str(row[1]) for row in rows}


def _inspect_csv(con: duckdb.DuckDBPyConnection, files: list[str], path: str, name: str) -> SourceGuess:
    sniff = exp.select("Delimiter", "Quote", "HasHeader", "DateFormat", "TimestampFormat").from_(
        exp.Table(this=exp.Anonymous(this="sniff_csv", expressions=[exp.Literal.string(files[0])]))
    )
    delimiter, quote, header, date_format, ts_format = con.execute(sniff.sql("duckdb")).fetchone() or (",",) * 5
    options: dict[str, Any] = {"delimiter": delimiter}
    notes: dict[str, str] = {"delimiter": "sniffed by DuckDB"}
    if quote and quote not in ('"', "(empty)", ""):
        options["quote"] = quote
    if not header:
        options["header"] = False
    if date_format:
        options["date_format"] = date_format
    if ts_format:
        options["timestamp_format"] = ts_format
    dialect: dict[str, exp.Expr] = {"delim": exp.Literal.string(delimiter), "header": exp.Boolean(this=bool(header))}
    typed = _reader("read_csv", files, dialect)
    text = _reader(
        "read_csv",
        files,
        {"delim": exp.Literal.string(delimiter), "header": exp.Boolean(this=bool(header)), "all_varchar": exp.true()},
    )
    types = _describe(con, typed)
    return _finish(con, text, name, path, "csv", types, options, notes)


def _finish(
    con: duckdb.DuckDBPyConnection,
    relation: exp.Expr,
    name: str,
    path: str,
    fmt: str,
    types: dict[str, str],
    options: dict[str, Any],
    notes: dict[str, str],
) -> SourceGuess:
    sample = exp.select("*").from_(relation).limit(SAMPLE).subquery("s")
    rows = int((con.execute(exp.select("count(*)").from_(relation).sql("duckdb")).fetchone() or (0,))[0])
    usable = {c: raw for c, raw in types.items() if re.match(IDENT_PATTERN, c)}
    columns = [_column(con, sample, column, raw, fmt, options, notes) for column, raw in usable.items()]
    guess = SourceGuess(name, path, fmt, columns, rows, options, notes)
    guess.left_out = [c for c in types if c not in usable]
    _propose_keys(con, sample, guess)
    _propose_time(guess)
    return guess


def _share(con: duckdb.DuckDBPyConnection, sample: exp.Expr, column: str, pattern: str) -> tuple[int, int, str | None]:
    """(non-null values, values matching the pattern, one value that does not) in the sample."""
    value = col(column)
    text = exp.cast(value, "varchar")
    matches = exp.RegexpLike(this=text, expression=exp.Literal.string(pattern))
    query = exp.select(
        exp.Count(this=value.copy()),
        exp.Count(this=exp.If(this=matches, true=exp.Literal.number(1))),
        exp.Min(this=exp.If(this=exp.Not(this=matches.copy()), true=text.copy())),
    ).from_(sample.copy())
    total, good, bad = con.execute(query.sql("duckdb")).fetchone() or (0, 0, None)
    return int(total), int(good), bad


def _column(
    con: duckdb.DuckDBPyConnection,
    sample: exp.Expr,
    name: str,
    raw: str,
    fmt: str,
    options: dict[str, Any],
    notes: dict[str, str],
) -> ColumnGuess:
    raw = raw.upper()
    if raw.startswith("DECIMAL"):
        precision, scale = (int(n) for n in re.findall(r"\d+", raw)[:2])
        return ColumnGuess(name, "decimal", precision, scale)
    if raw in _INTEGERS:
        total, good, _ = _share(con, sample, name, _YYYYMMDD)
        if fmt == "csv" and total and good == total and "date_format" not in options:
            options["date_format"] = "%Y%m%d"
            notes["date_format"] = f"guessed: every value of {name} is a yyyymmdd date"
            return ColumnGuess(name, "date", note="guessed: yyyymmdd numbers read as dates")
        return ColumnGuess(name, "integer")
    if raw in ("DOUBLE", "FLOAT") and _MONEY.search(name):
        return _money(con, sample, name, ".")
    if raw == "VARCHAR" and fmt == "csv":
        return _text_column(con, sample, name, options, notes)
    if raw == "VARCHAR":  # databases such as SQLite keep dates as text
        for pattern, kind in ((_ISO_DATE, "date"), (_ISO_TIMESTAMP, "timestamp")):
            total, good, _ = _share(con, sample, name, pattern)
            if total and good == total:
                return ColumnGuess(name, kind, note=f"guessed: every value is an ISO {kind} in text")
    if raw.startswith("STRUCT"):
        return ColumnGuess(name, "string", note=f"guessed: {raw.lower()} is read as text; declare it as a struct")
    return ColumnGuess(name, TYPES.get(raw, "string"))


def _money(con: duckdb.DuckDBPyConnection, sample: exp.Expr, name: str, point: str) -> ColumnGuess:
    """An exact decimal with as many places as the data shows (2 at least)."""
    text = exp.cast(col(name), "varchar")
    places = exp.Length(
        this=exp.Anonymous(this="split_part", expressions=[text, exp.Literal.string(point), exp.Literal.number(2)])
    )
    found = (con.execute(exp.select(exp.Max(this=places)).from_(sample.copy()).sql("duckdb")).fetchone() or (0,))[0]
    scale = max(2, min(int(found or 0), 6))
    return ColumnGuess(name, "decimal", 18, scale, note="guessed: an amount, kept exact as a decimal")


def _text_column(
    con: duckdb.DuckDBPyConnection, sample: exp.Expr, name: str, options: dict[str, Any], notes: dict[str, str]
) -> ColumnGuess:
    """A text column that is numbers in a decimal-comma file, or numbers but for a few bad values."""
    comma = options.get("delimiter") != ","
    for pattern, point in ((_NUMBER, "."), *(((_COMMA_NUMBER, ","),) if comma else ())):
        total, good, bad = _share(con, sample, name, pattern)
        if not total or good < 0.9 * total or good == 0:
            continue
        if point == "," and good:
            options["decimal"] = ","
            notes["decimal"] = f"guessed: {name} is written 1.234,50 for 1234.50"
        if good < total:
            options["bad_rows"] = "skip"
            notes["bad_rows"] = f"guessed: {total - good} value(s) of {name} are not numbers, e.g. {bad!r}"
        guess = _money(con, sample, name, point) if _MONEY.search(name) or point == "," else ColumnGuess(name, "double")
        if good < total:
            guess.note = (guess.note + "; " if guess.note else "guessed: ") + f"{total - good} bad value(s) skipped"
        return guess
    return ColumnGuess(name, "string")


def _propose_keys(con: duckdb.DuckDBPyConnection, sample: exp.Expr, guess: SourceGuess) -> None:
    singular = guess.name[:-1] if guess.name.endswith("s") and len(guess.name) > 3 else guess.name
    keyish = [c for c in guess.columns if c.name == "id" or c.name.endswith("_id") or c.name.endswith("_key")]
    for column in keyish:
        if column.type not in ("string", "integer"):
            continue
        if column.name in ("id", f"{singular}_id") and guess.primary_key is None and _unique(con, sample, column.name):
            guess.primary_key = column.name
            guess.primary_key_note = f"guessed: {column.name} is unique and never empty in {guess.rows:,} rows"
            column.entity = singular
        elif column.entity is None:
            column.entity = re.sub(r"_(id|key)$", "", column.name)
        if column.entity and not column.note:
            column.note = "guessed: an entity key, from its name"


def _unique(con: duckdb.DuckDBPyConnection, sample: exp.Expr, name: str) -> bool:
    value = col(name)
    query = exp.select(
        exp.Count(this=exp.Star()), exp.Count(this=exp.Distinct(expressions=[value])), exp.Count(this=value.copy())
    ).from_(sample.copy())
    rows, distinct, present = con.execute(query.sql("duckdb")).fetchone() or (0, 0, 0)
    return bool(rows) and rows == distinct == present


def _propose_time(guess: SourceGuess) -> None:
    timestamps = [c.name for c in guess.columns if c.type == "timestamp"]
    dates = [c.name for c in guess.columns if c.type == "date"]
    for candidates in (timestamps, dates):
        if not candidates:
            continue
        named = [c for c in candidates if c in _TIME_NAMES or c.endswith(("_at", "_on", "_date", "_day", "_time"))]
        guess.time = (named or candidates)[0]
        others = [c for c in candidates if c != guess.time]
        guess.time_note = "guessed" + (f"; also time-like: {', '.join(others)}" if others else "")
        return
