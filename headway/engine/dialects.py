"""Engine differences, declared as data in one place.

Everything else in the compiler is engine-neutral SQLGlot; the few functions
whose names or argument shapes differ between engines are looked up here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from headway.engine.sql import cast


@dataclass(frozen=True)
class Dialect:
    name: str
    sqlglot: str
    quantile: str  # exact, linearly interpolated quantile (PERCENTILE_CONT semantics)
    from_utc: str  # UTC timestamp -> wall clock in a zone
    zone_first: bool  # argument order of `from_utc`
    utc_cast: str | None  # cast applied to the timestamp before `from_utc`
    literal_rows_as_arrays: bool  # DuckDB binds an unnested array ~8x faster than a VALUES list of the same rows
    to_utc: str = "timezone"  # wall clock in a zone -> UTC timestamp (same argument order as `from_utc`)
    utc_result_cast: str | None = "timestamp"  # cast applied to what `to_utc` returns
    epoch_us: str = "epoch_us"  # microseconds since 1970 of a UTC timestamp
    parse_time: str | None = None  # text + java.time pattern -> timestamp or NULL; None: SQLGlot's TRY_STRPTIME
    slice_by_length: bool = False  # SLICE(array, start, length) (Spark) rather than ARRAY_SLICE(array, start, end)
    # extract(unit from ts): (function, offset added) so that every engine gives the same numbers
    extract: dict[str, tuple[str, int]] = field(default_factory=dict, hash=False, compare=False)

    def quantile_of(self, value: exp.Expr, p: float) -> exp.Expr:
        return exp.Anonymous(this=self.quantile, expressions=[value, exp.Literal.number(repr(float(p)))])

    def window(self, array: exp.Expr, start: exp.Expr, length: int) -> exp.Expr:
        """`length` items of `array` from the 1-based position `start` (at least 1).

        Written as an inclusive end where the engine takes one: SQLGlot's length form makes DuckDB
        re-read the list's length in a CASE for negative starts, which costs more than the slice.
        """
        if self.slice_by_length:
            return exp.ArraySlice(this=array, start=start, end=exp.Literal.number(length), is_length=True)
        end = exp.Add(this=start.copy(), expression=exp.Literal.number(length - 1))
        return exp.ArraySlice(this=array, start=start, end=end)

    def local_time(self, utc: exp.Expr, zone: str) -> exp.Expr:
        """Wall-clock time in `zone` of a UTC timestamp column."""
        value = cast(utc, self.utc_cast) if self.utc_cast else utc
        args = [exp.Literal.string(zone), value] if self.zone_first else [value, exp.Literal.string(zone)]
        return exp.Anonymous(this=self.from_utc, expressions=args)

    def utc_time(self, local: exp.Expr, zone: str) -> exp.Expr:
        """The UTC timestamp of a wall-clock time in `zone`."""
        args = [exp.Literal.string(zone), local] if self.zone_first else [local, exp.Literal.string(zone)]
        value = exp.Anonymous(this=self.to_utc, expressions=args)
        return cast(value, self.utc_result_cast) if self.utc_result_cast else value

    def generate(self, tree: exp.Expr, pretty: bool = True, copy: bool = True) -> str:
        """SQL text; `copy=False` lets the generator consume a tree nobody reads again (a copy costs ~1 ms)."""
        return tree.sql(dialect=self.sqlglot, pretty=pretty, copy=copy)


DUCKDB = Dialect(
    "duckdb",
    "duckdb",
    quantile="quantile_cont",
    from_utc="timezone",
    zone_first=True,
    utc_cast="timestamptz",
    literal_rows_as_arrays=True,
    extract={
        "year": ("year", 0),
        "quarter": ("quarter", 0),
        "month": ("month", 0),
        "week": ("weekofyear", 0),  # ISO week
        "day": ("day", 0),
        "doy": ("dayofyear", 0),
        "dow": ("dayofweek", 0),  # 0 = Sunday
        "isodow": ("isodow", 0),  # 1 = Monday
        "hour": ("hour", 0),
        "minute": ("minute", 0),
        "second": ("second", 0),
    },
)
SPARK = Dialect(
    "spark",
    "spark",
    quantile="percentile",
    from_utc="from_utc_timestamp",
    zone_first=False,
    utc_cast=None,
    literal_rows_as_arrays=False,
    to_utc="to_utc_timestamp",
    utc_result_cast=None,
    epoch_us="unix_micros",
    parse_time="try_to_timestamp",
    slice_by_length=True,
    extract={
        "year": ("year", 0),
        "quarter": ("quarter", 0),
        "month": ("month", 0),
        "week": ("weekofyear", 0),
        "day": ("dayofmonth", 0),
        "doy": ("dayofyear", 0),
        "dow": ("dayofweek", -1),  # Spark counts 1 = Sunday
        "isodow": ("weekday", 1),  # Spark counts 0 = Monday
        "hour": ("hour", 0),
        "minute": ("minute", 0),
        "second": ("second", 0),
    },
)
DIALECTS = {d.name: d for d in (DUCKDB, SPARK)}
