"""One frozen model per spec concept; closed vocabularies are enums.

These models check shape only (types, known fields, allowed words). Whether
names refer to things that exist is checked by the rules in `rules.py`, which
see the whole workspace at once.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator

from headway.spec.csv_options import CsvOptions
from headway.spec.database import DatabaseTable

IDENT_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
Ident = Annotated[str, StringConstraints(pattern=IDENT_PATTERN, max_length=128)]
DURATION_PATTERN = re.compile(r"^(\d+)([dw])$")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Engine(StrEnum):
    DUCKDB = "duckdb"
    SPARK = "spark"


class WeekStart(StrEnum):
    MONDAY = "monday"
    SUNDAY = "sunday"
    SATURDAY = "saturday"


class Grain(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class ColumnType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    DOUBLE = "double"
    BOOLEAN = "boolean"
    TIMESTAMP = "timestamp"
    DATE = "date"
    STRUCT = "struct"
    DECIMAL = "decimal"


class Kind(StrEnum):
    KPI = "kpi"
    DELIVERY = "delivery"
    COUNTER = "counter"
    HEALTH = "health"
    INPUT = "input"


class Agg(StrEnum):
    COUNT = "count"
    COUNT_DISTINCT = "count_distinct"
    SUM = "sum"
    AVG = "avg"
    MIN = "min"
    MAX = "max"
    MEDIAN = "median"
    PERCENTILE = "percentile"


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"


class Indicator(StrEnum):
    LEADING = "leading"
    LAGGING = "lagging"


class Status(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    DEPRECATED = "deprecated"
    RETIRED = "retired"


class Sensitivity(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    RESTRICTED = "restricted"


class Sign(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"


def _duration(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):  # `window: 28` means a unit is missing
        value = str(value)
    if isinstance(value, str) and not DURATION_PATTERN.match(value.strip()):
        raise ValueError(f"'{value}' is not a duration; write a number of days or weeks such as 7d, 28d or 4w")
    return value.strip() if isinstance(value, str) else value


Duration = Annotated[str, BeforeValidator(_duration)]


def duration_days(text: str) -> int:
    match = DURATION_PATTERN.match(text)
    if not match:  # pragma: no cover - guarded by the model
        raise ValueError(text)
    number, unit = int(match.group(1)), match.group(2)
    return number * (7 if unit == "w" else 1)


# -- headway.yml -----------------------------------------------------------


class SparkSettings(Model):
    master: str = "local[2]"
    conf: dict[str, str] = Field(default_factory=dict)


class DuckDBSettings(Model):
    memory_limit: str = "4GB"
    threads: Annotated[int, Field(ge=1, le=256)] | None = None


class WorkspaceConfig(Model):
    name: Ident
    description: str | None = None
    engine: Engine = Engine.DUCKDB
    timezone: str = "UTC"
    week_start: WeekStart = WeekStart.MONDAY
    default_grain: Grain = Grain.WEEK
    north_star: str | None = None
    spark: SparkSettings = Field(default_factory=SparkSettings)
    duckdb: DuckDBSettings = Field(default_factory=DuckDBSettings)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}'; use an IANA name such as UTC or Europe/Paris") from None
        return value


# -- sources ---------------------------------------------------------------


class Column(Model):
    type: ColumnType
    entity: Ident | None = None
    pii: bool = False
    description: str | None = None
    fields: dict[Ident, ColumnType] | None = None
    precision: Annotated[int, Field(ge=1, le=38)] | None = None  # decimal: digits in all (default 18)
    scale: Annotated[int, Field(ge=0, le=38)] | None = None  # decimal: digits after the point (default 2)


class Lineage(Model):
    systems: list[str] = Field(default_factory=list)
    fallback: str | None = None
    notes: str | None = None


class Source(Model):
    name: Ident
    path: str
    format: str | None = Field(default=None, pattern=r"^(parquet|csv)$")
    time: str | None = None
    primary_key: str | None = None
    description: str | None = None
    owner: str | None = None
    lineage: Lineage | None = None
    csv: CsvOptions | None = None
    database: DatabaseTable | None = None
    columns: dict[Ident, Column]


class SourcesFile(Model):
    sources: list[Source] = Field(default_factory=list)


# -- metrics ---------------------------------------------------------------


class Measure(Model):
    agg: Agg
    expr: str | None = None
    p: Annotated[float, Field(gt=0, lt=1)] | None = None


class Ratio(Model):
    numerator: Ident
    denominator: Ident


class Target(Model):
    value: float
    by: dt.date | None = None
    since: dt.date | None = None
    tolerance: Annotated[float, Field(ge=0)] | None = None


class Contribution(Model):
    metric: Ident
    sign: Sign = Sign.POSITIVE
    lag: Duration | None = None
    note: str | None = None


def _contribution(value: Any) -> Any:
    return {"metric": value} if isinstance(value, str) else value


class Snapshot(Model):
    """Semi-additive: the value at the end of each period, not a sum across it."""

    valid_to: str | None = None


class Cumulative(Model):
    reset: Grain | None = None


def _cumulative(value: Any) -> Any:
    if value is True:
        return {}
    return value


class Metric(Model):
    id: Ident
    name: str | None = None
    kind: Kind
    description: str | None = None
    owner: str | None = None
    steward: str | None = None
    teams: list[str] = Field(default_factory=list)
    direction: Direction | None = None
    unit: str | None = None
    source: Ident | None = None
    measure: Measure | None = None
    time: str | None = None
    filter: str | None = None
    dimensions: list[str] = Field(default_factory=list)
    ratio: Ratio | None = None
    formula: str | None = None
    window: Duration | None = None
    cumulative: Annotated[Cumulative, BeforeValidator(_cumulative)] | None = None
    snapshot: Snapshot | None = None
    grain: Grain | None = None
    indicator: Indicator | None = None
    target: Target | None = None
    status: Status = Status.ACTIVE
    replaced_by: Ident | None = None
    sensitivity: Sensitivity = Sensitivity.INTERNAL
    min_sample: Annotated[int, Field(ge=0)] | None = None
    lineage: Lineage | None = None
    contributes_to: list[Annotated[Contribution, BeforeValidator(_contribution)]] = Field(default_factory=list)
    counter_metrics: list[Ident] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def is_derived(self) -> bool:
        return self.ratio is not None or self.formula is not None


class MetricsFile(Model):
    metrics: list[Metric] = Field(default_factory=list)
