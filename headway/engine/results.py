"""What a query returns: typed rows (real dates, an open set of columns) and closed reason codes."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from headway.spec.models import Grain


class Reason(StrEnum):
    """Why a value is missing or should not be read at face value: a closed set a script can branch on."""

    NO_DATA = "no_data"  # the sources hold no data for this period (not collecting yet, or not any more)
    NO_ROWS = "no_rows"  # data exists but no row matched, so an average, median… is undefined
    PARTIAL_PERIOD = "partial_period"  # the period is not over: its data is incomplete
    INSUFFICIENT_SAMPLE = "insufficient_sample"  # fewer rows than the metric's min_sample
    NO_COMPLETE_PERIOD = "no_complete_period"
    DATA_ERROR = "data_error"
    DATA_CHANGED = "data_changed"
    ENGINE_ERROR = "engine_error"
    BAD_QUERY = "bad_query"
    FORBIDDEN = "forbidden"
    INTERNAL_ERROR = "internal_error"


@dataclass(frozen=True)
class Result:
    """One metric's rows. `rows` hold Python values (dates as `datetime.date`); `to_json` renders them."""

    metric: str
    grain: Grain
    by: tuple[str, ...]
    rows: list[dict[str, Any]]
    sql: str
    engine: str
    cached: bool = False
    timeless: bool = False
    meta: dict[str, Any] = field(default_factory=dict)
    data_through: dt.date | None = None

    @property
    def columns(self) -> list[str]:
        return list(self.rows[0]) if self.rows else ["period", *self.by, "value", "n", "complete"]

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "grain": self.grain.value,
            "data_through": self.data_through.isoformat() if self.data_through else None,
            "rows": [json_row(row) for row in self.rows],
        }


def json_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: json_value(value) for key, value in row.items()}


def csv_row(row: dict[str, Any]) -> dict[str, Any]:
    """As JSON, with booleans written the way JSON and SQL write them (true/false)."""
    return {key: str(value).lower() if isinstance(value, bool) else value for key, value in json_row(row).items()}


def json_value(value: Any) -> Any:
    """JSON-safe: dates as ISO text, NaN/inf as null, decimals as floats."""
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def estimated_bytes(result: Result) -> int:
    """A cheap upper estimate of a result's memory, for the byte-bounded cache (~120 bytes a cell)."""
    cells = len(result.rows) * (len(result.rows[0]) if result.rows else 1)
    return 1024 + len(result.sql) + 120 * cells
