"""What a user asks for and what they get back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from headway.spec.models import Grain


class Compare(StrEnum):
    PREVIOUS = "previous"
    YEAR_AGO = "year_ago"


class QueryError(ValueError):
    """The query cannot be answered as asked; the message says what to ask instead."""

    def __init__(self, message: str, hint: str = "", code: str = "bad_query"):
        super().__init__(f"{message} {hint}".strip())
        self.message = message
        self.hint = hint
        self.code = code


class EngineError(RuntimeError):
    """The engine could not run a compiled query; the message names the engine and its complaint."""

    def __init__(self, engine: str, error: Exception):
        lines = str(error).strip().splitlines()
        super().__init__(f"the {engine} engine failed: {type(error).__name__}: {lines[0] if lines else 'no message'}")
        self.engine = engine


@dataclass(frozen=True)
class Query:
    metric: str
    grain: Grain = Grain.WEEK
    by: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    where: str | None = None
    compare: Compare | None = None

    def key(self) -> tuple[Any, ...]:
        return (self.metric, self.grain.value, self.by, self.start, self.end, self.where, self.compare)


@dataclass(frozen=True)
class Result:
    metric: str
    grain: Grain
    by: tuple[str, ...]
    rows: list[dict[str, Any]]
    sql: str
    engine: str
    cached: bool = False
    timeless: bool = False
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"metric": self.metric, "grain": self.grain.value, "rows": self.rows}
