"""A time column's first and last value from Parquet row-group statistics, without reading the rows.

Planning needs each source's first and last day (TENETS: compiling reads only the data's date
range). Scanning a 5M-row column for them costs ~0.1 s of CPU, which a cold `headway query` pays
before anything else; the file footers already hold the answer. When a footer cannot vouch for it
(no statistics, inexact ones, a type the view converts), the caller scans as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlglot import exp

from headway.engine.sql import alias, cast, col
from headway.spec.models import ColumnType

# declared type -> raw Parquet types (as DuckDB describes them) whose statistics order like the view's values
SAME_ORDER = {
    ColumnType.TIMESTAMP: {"TIMESTAMP", "TIMESTAMP WITH TIME ZONE"},
    ColumnType.DATE: {"DATE"},
}


MIN_BYTES = 16 * 2**20  # below this, scanning the column is as quick as reading every footer (~5 ms)


def usable(declared: ColumnType, raw_type: str, paths: Sequence[str]) -> bool:
    """Whether the view shows this raw column unchanged up to time zone (so its min and max are the view's),
    and the files are large enough for the footers to be the quicker read."""
    if raw_type not in SAME_ORDER.get(declared, set()):
        return False
    return sum(Path(p).stat().st_size for p in paths) >= MIN_BYTES


def bounds_query(paths: Sequence[str], raw_name: str, raw_type: str) -> exp.Select:
    """min, max and a count of row groups whose statistics are missing or inexact (then: scan instead)."""
    meta = exp.Table(
        this=exp.Anonymous(
            this="parquet_metadata", expressions=[exp.Array(expressions=[exp.Literal.string(p) for p in paths])]
        )
    )
    low = exp.Coalesce(this=col("stats_min_value"), expressions=[col("stats_min")])
    high = exp.Coalesce(this=col("stats_max_value"), expressions=[col("stats_max")])
    kind = exp.DataType.build(raw_type, dialect="duckdb")
    low_typed, high_typed = exp.TryCast(this=low, to=kind), exp.TryCast(this=high.copy(), to=kind.copy())
    all_null = exp.Coalesce(  # a null count that is absent vouches for nothing
        this=exp.EQ(this=col("stats_null_count"), expression=col("num_values")), expressions=[exp.false()]
    )
    missing = exp.and_(exp.Is(this=low.copy(), expression=exp.null()), exp.Not(this=exp.paren(all_null)))
    unreadable = exp.and_(
        exp.Not(this=exp.Is(this=low.copy(), expression=exp.null())),
        exp.or_(
            exp.Is(this=low_typed.copy(), expression=exp.null()),
            exp.Is(this=high_typed.copy(), expression=exp.null()),
        ),
    )
    inexact = exp.or_(
        exp.Not(this=exp.Coalesce(this=col("min_is_exact"), expressions=[exp.true()])),
        exp.Not(this=exp.Coalesce(this=col("max_is_exact"), expressions=[exp.true()])),
    )
    doubtful = exp.Filter(
        this=exp.Count(this=exp.Star()),
        expression=exp.Where(this=exp.or_(exp.paren(missing), exp.paren(unreadable), exp.paren(inexact))),
    )
    low_value: exp.Expr = exp.Min(this=low_typed)
    high_value: exp.Expr = exp.Max(this=high_typed)
    if raw_type == "TIMESTAMP WITH TIME ZONE":  # as the view shows it: UTC wall clock (the session zone is UTC)
        low_value, high_value = cast(low_value, "timestamp"), cast(high_value, "timestamp")
    return (
        exp.select(alias(low_value, "low"), alias(high_value, "high"), alias(doubtful, "doubtful"))
        .from_(meta)
        .where(exp.EQ(this=col("path_in_schema"), expression=exp.Literal.string(raw_name)))
    )
