"""Reading a CSV source with options: reader arguments per engine, and conversions both engines share.

The readers split lines into text fields (delimiter, quote, header, encoding, compression);
everything after that is the same SQL on every engine, built here: null strings, the decimal
separator, strftime date and timestamp formats, and the "bad row" test (a value that does not
convert to its column's declared type). Conversions are the engines' non-failing forms
(TRY_CAST, TRY_STRPTIME / TRY_TO_TIMESTAMP), so a bad value becomes a bad row, never a crash.

Rows with too few fields are padded with nulls and extra fields are ignored, on both engines.
"""

from __future__ import annotations

from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.tokens import TokenType

from headway.engine.dialects import Dialect
from headway.engine.files import DataError
from headway.engine.sql import cast
from headway.spec.csv_options import BadRows, Compression, CsvOptions, Encoding
from headway.spec.models import Column, ColumnType, Source
from headway.spec.reading_rules import decimal_size


def duckdb_reader_args(options: CsvOptions, names: list[str] | None) -> list[exp.Expr]:
    """Named arguments of DuckDB's read_csv (after the paths): every field as text."""
    args: dict[str, exp.Expr] = {
        "delim": exp.Literal.string(options.delimiter),
        "quote": exp.Literal.string(options.quote),
        "escape": exp.Literal.string(options.quote),  # RFC 4180: a quote inside quotes is doubled
        "header": exp.Boolean(this=options.header),
        "all_varchar": exp.true(),
        "null_padding": exp.true(),
        "encoding": exp.Literal.string(options.encoding.value),
    }
    if options.compression is not Compression.AUTO:
        args["compression"] = exp.Literal.string(options.compression.value)
    if names is not None:
        args["names"] = exp.Array(expressions=[exp.Literal.string(n) for n in names])
    return [exp.EQ(this=exp.var(key), expression=value) for key, value in args.items()]


JAVA_CHARSETS = {Encoding.UTF8: "UTF-8", Encoding.UTF16: "UTF-16", Encoding.LATIN1: "ISO-8859-1"}


def spark_reader_options(options: CsvOptions) -> dict[str, str]:
    """Options of Spark's CSV reader: every field as text; .gz files are decompressed by name."""
    return {
        "header": "true" if options.header else "false",
        "sep": options.delimiter,
        "quote": options.quote,
        "escape": options.quote,
        "encoding": JAVA_CHARSETS[options.encoding],
        "inferSchema": "false",
        "mode": "PERMISSIVE",
        # Spark splits lines as bytes unless it reads whole files: a wider encoding needs multiLine
        "multiLine": "true" if options.encoding is Encoding.UTF16 else "false",
    }


def headerless_names(source: Source, options: CsvOptions) -> list[str] | None:
    """Without a header, the declared columns name the fields, in order."""
    return None if options.header else list(source.columns)


def nulled(raw: exp.Expr, options: CsvOptions) -> exp.Expr:
    """The field as text, NULL when it is one of the source's null strings."""
    words = [w for w in options.null_values if w != ""]
    if not words:
        return raw
    is_null = exp.In(this=raw.copy(), expressions=[exp.Literal.string(w) for w in words])
    return exp.Case(ifs=[exp.If(this=is_null, true=exp.null())], default=raw)


def converted(text: exp.Expr, column: Column, options: CsvOptions, dialect: Dialect) -> exp.Expr:
    """The text field as its declared type; NULL when it does not convert."""
    match column.type:
        case ColumnType.STRING:
            return text
        case ColumnType.DATE if options.date_format:
            return cast(try_parse(text, options.date_format, dialect), "date")
        case ColumnType.TIMESTAMP if options.timestamp_format:
            return cast(try_parse(text, options.timestamp_format, dialect), "timestamp")
        case ColumnType.DOUBLE | ColumnType.DECIMAL if options.decimal == ",":
            # 1.234,50: the point groups thousands, the comma separates the decimals
            point, comma, nothing = exp.Literal.string("."), exp.Literal.string(","), exp.Literal.string("")
            grouped = exp.Anonymous(this="replace", expressions=[text, point, nothing])
            text = exp.Anonymous(this="replace", expressions=[grouped, comma, point.copy()])
    value = exp.TryCast(this=text, to=target_type(column, dialect), safe=True)
    if column.type is ColumnType.TIMESTAMP and dialect.name == "duckdb":
        return exp.Cast(this=value, to=exp.DataType.build("TIMESTAMP"))
    return value


def target_type(column: Column, dialect: Dialect) -> exp.DataType:
    if column.type is ColumnType.DECIMAL:
        precision, scale = decimal_size(column.precision, column.scale)
        return exp.DataType.build(f"DECIMAL({precision}, {scale})")
    if column.type is ColumnType.TIMESTAMP and dialect.name == "duckdb":
        return exp.DataType.build("TIMESTAMPTZ")  # so an ISO offset is honoured; the view keeps UTC wall-clock
    names = {
        ColumnType.INTEGER: "BIGINT",
        ColumnType.DOUBLE: "DOUBLE",
        ColumnType.BOOLEAN: "BOOLEAN",
        ColumnType.TIMESTAMP: "TIMESTAMP",
        ColumnType.DATE: "DATE",
    }
    return exp.DataType.build(names[column.type])


def bad_condition(fields: dict[str, tuple[exp.Expr, exp.Expr]]) -> exp.Expr | None:
    """True for a row holding a value that is present as text but does not convert."""
    tests = [
        exp.and_(exp.Not(this=exp.Is(this=text, expression=exp.null())), exp.Is(this=value, expression=exp.null()))
        for text, value in fields.values()
    ]
    return exp.or_(*tests) if tests else None


def try_parse(text: exp.Expr, strftime: str, dialect: Dialect) -> exp.Expr:
    """The text as a timestamp by a strftime format; NULL when it does not match."""
    if dialect.parse_time is None:
        return exp.StrToTime(this=text, format=exp.Literal.string(strftime), safe=True)
    return exp.Anonymous(this=dialect.parse_time, expressions=[text, exp.Literal.string(java_format(strftime))])


@lru_cache(maxsize=256)
def java_format(strftime: str) -> str:
    """A strftime format in Spark's (java.time) pattern letters, as SQLGlot translates it."""
    generated = exp.StrToTime(this=exp.column("x"), format=exp.Literal.string(strftime)).sql("spark")
    literals = [t.text for t in sqlglot.tokenize(generated, read="spark") if t.token_type is TokenType.STRING]
    return literals[-1]


def physical_names(source: Source, physical: dict[str, str]) -> dict[str, str]:
    """Declared column -> the file's own field name (matched without regard to case)."""
    lowered = {name.lower(): name for name in physical}
    out = {}
    for name in source.columns:
        found = lowered.get(name.lower())
        if found is None:
            present = ", ".join(sorted(physical)) or "none"
            raise DataError(f"source '{source.name}': the files have no column '{name}' (they have: {present})")
        out[name] = found
    return out


def _fields(
    source: Source, options: CsvOptions, names: dict[str, str], dialect: Dialect
) -> dict[str, tuple[exp.Expr, exp.Expr]]:
    """Declared column -> (its text, its typed value)."""
    out = {}
    for name, column in source.columns.items():
        text = nulled(exp.column(names[name], quoted=True), options)
        out[name] = (text, converted(text.copy(), column, options, dialect))
    return out


def csv_select(
    source: Source, options: CsvOptions, names: dict[str, str], relation: exp.Expr, dialect: Dialect
) -> exp.Select:
    """The typed view of a CSV source with options: bad rows left out unless they must fail the read."""
    fields = _fields(source, options, names, dialect)
    query = exp.select(*[exp.alias_(v, exp.to_identifier(n, quoted=True)) for n, (_, v) in fields.items()])
    query = query.from_(relation)
    bad = bad_condition({n: f for n, f in fields.items() if source.columns[n].type is not ColumnType.STRING})
    if bad is not None and options.bad_rows is not BadRows.FAIL:
        query = query.where(exp.Not(this=exp.Paren(this=bad)))
    return query


def bad_rows_select(
    source: Source, options: CsvOptions, names: dict[str, str], relation: exp.Expr, dialect: Dialect
) -> exp.Select | None:
    """The bad rows of a CSV source, as the text the file holds; None when no column can be bad."""
    fields = _fields(source, options, names, dialect)
    bad = bad_condition({n: f for n, f in fields.items() if source.columns[n].type is not ColumnType.STRING})
    if bad is None:
        return None
    texts = [exp.alias_(exp.column(names[n], quoted=True), exp.to_identifier(n, quoted=True)) for n in fields]
    return exp.select(*texts).from_(relation).where(bad)
