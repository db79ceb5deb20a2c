"""The spec's closed vocabularies (enums), identifiers and durations, and the frozen base model."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints

IDENT_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
Ident = Annotated[str, StringConstraints(pattern=IDENT_PATTERN, max_length=128)]
DURATION_PATTERN = re.compile(r"^(\d+)([dw])$")
MAX_DURATION_DAYS = 36500  # beyond a century the calendar arithmetic overflows, and no metric needs it


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


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


class CurrentThrough(StrEnum):
    """How current a source is: through its last row, or (sparse sources) through the workspace's data."""

    LAST_ROW = "last_row"
    WORKSPACE = "workspace"


class Sign(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"


def _duration(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):  # `window: 28` means a unit is missing
        value = str(value)
    if isinstance(value, str) and not DURATION_PATTERN.match(value.strip()):
        raise ValueError(f"'{value}' is not a duration; write a number of days or weeks such as 7d, 28d or 4w")
    if isinstance(value, str) and not 1 <= duration_days(value.strip()) <= MAX_DURATION_DAYS:
        raise ValueError(
            f"'{value}' is out of range; a duration is 1d to {MAX_DURATION_DAYS}d ({MAX_DURATION_DAYS // 365} years)"
        )
    return value.strip() if isinstance(value, str) else value


Duration = Annotated[str, BeforeValidator(_duration)]


def duration_days(text: str) -> int:
    match = DURATION_PATTERN.match(text)
    if not match:  # pragma: no cover - guarded by the model
        raise ValueError(text)
    number, unit = int(match.group(1)), match.group(2)
    return number * (7 if unit == "w" else 1)
