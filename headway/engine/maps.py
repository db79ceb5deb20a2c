"""Read a MAP<VARCHAR, VARCHAR> column as a struct of declared, typed fields.

The ingest lake stores event `properties` and `context` as string maps (one schema for every file,
the same on DuckDB and Spark); metrics read them as `properties.feature` like any struct field.
A missing key or a value that does not parse as the declared type is null, never an error.
"""

from __future__ import annotations

from sqlglot import exp

from headway.engine.dialects import Dialect
from headway.spec.models import ColumnType

FIELD_TYPES = {
    ColumnType.STRING: None,
    ColumnType.INTEGER: "BIGINT",
    ColumnType.DOUBLE: "DOUBLE",
    ColumnType.BOOLEAN: "BOOLEAN",
    ColumnType.TIMESTAMP: "TIMESTAMP",
    ColumnType.DATE: "DATE",
}


def map_value(column: exp.Expr, key: str, dialect: Dialect) -> exp.Expr:
    """The value under `key`, or null when absent (Spark's ANSI `m[k]` would raise instead)."""
    literal = exp.Literal.string(key)
    if dialect.name == "spark":
        return exp.Anonymous(this="try_element_at", expressions=[column, literal])
    return exp.Bracket(this=column, expressions=[literal])


def map_as_struct(column: exp.Expr, fields: dict[str, ColumnType], dialect: Dialect) -> exp.Expr:
    members = []
    for name, kind in fields.items():
        value = map_value(column.copy(), name, dialect)
        target = FIELD_TYPES.get(kind)
        if target is not None:
            value = exp.TryCast(this=value, to=exp.DataType.build(target), safe=True)  # TRY_CAST on Spark too
        members.append(exp.PropertyEQ(this=exp.to_identifier(name), expression=value))
    return exp.Struct(expressions=members)
