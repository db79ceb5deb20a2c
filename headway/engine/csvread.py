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
from headway.spec.csv_options import Compression, CsvOptions
from headway.spec.models import Column, ColumnType, Source
from headway.spec.source_rules import decimal_size


def duckdb_reader_args(options: CsvOptions, names: list[str] | None) -> list[exp.Expr]:
    """Named arguments of DuckDB's read_csv (after the paths): every field as text."""
    args: dict[str, exp.Expr] = {
        "delim": exp.Literal.string(options.delimiter),
        "quote": exp.Literal.string(options.quote),
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


def spark_reader_options(options: CsvOptions) -> dict[str, str]:
    """Options of Spark's CSV reader: every field as text; .gz files are decompressed by name."""
    return {
        "header": "true" if options.header else "false",
        "sep": options.delimiter,
        "quote": options.quote,
        "encoding": options.encoding.value.upper(),
        "inferSchema": "false",
        "mode": "PERMISSIVE",
    }


def headerless_names(source: Source, options: CsvOptions) -> list[str] | None:
    """Without a header, the declared columns name the fields, in order."""
    return None if options.header else list(source.columns)


def nulled(raw: exp.Expr, options: CsvOptions) -> exp.Expr:
    """The field as text, NULL when it is one of the source's null strings."""
    words = [w for w in options.null if w != ""]
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
            return dialect.try_parse_date(text, options.date_format)
        case ColumnType.TIMESTAMP if options.timestamp_format:
            return dialect.try_parse_timestamp(text, options.timestamp_format)
        case ColumnType.DOUBLE | ColumnType.DECIMAL if options.decimal == ",":
            text = exp.Anonymous(this="replace", expressions=[text, exp.Literal.string(","), exp.Literal.string(".")])
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


@lru_cache(maxsize=256)
def java_format(strftime: str) -> str:
    """A strftime format in Spark's (java.time) pattern letters, as SQLGlot translates it."""
    generated = exp.StrToTime(this=exp.column("x"), format=exp.Literal.string(strftime)).sql("spark")
    literals = [t.text for t in sqlglot.tokenize(generated, read="spark") if t.token_type is TokenType.STRING]
    return literals[-1]
