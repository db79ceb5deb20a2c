"""What a user asks for and what they get back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from headway.errors import HeadwayError
from headway.spec.models import Grain


class Compare(StrEnum):
    PREVIOUS = "previous"
    YEAR_AGO = "year_ago"


class QueryError(HeadwayError):
    """The query cannot be answered as asked; the message says what to ask instead."""

    code = "bad_query"
    status = 400

    def __init__(self, message: str, hint: str = "", code: str = "bad_query"):
        super().__init__(message, hint, code, 404 if code == "unknown_metric" else 400)


class EngineError(HeadwayError):
    """The engine could not run a compiled query; the message names the engine and its complaint."""

    code = "engine_error"
    status = 500

    def __init__(self, engine: str, error: Exception, root: str | None = None):
        super().__init__(engine_failure(engine, error, root), "Check that the data matches its declared types.")
        self.engine = engine


def engine_failure(engine: str, error: Exception, root: str | None = None) -> str:
    """What the engine refused, in a few lines: its complaint and the data it names, never the SQL or server paths."""
    return f"the {engine} engine failed: {type(error).__name__}: {complaint(error, root)}"


def complaint(error: Exception, root: str | None = None) -> str:
    """The useful lines of an engine's error text (DuckDB puts the bad value on the 2nd or 3rd line)."""
    lines = [line.strip() for line in str(error).strip().splitlines()]
    kept = [line for line in lines if line and not _is_sql_echo(line)][:4]
    text = " ".join(kept) if kept else "no message"
    return _relative(text, root)


def _is_sql_echo(line: str) -> bool:
    return (
        line.startswith(("LINE ", "^", "SELECT", "WITH", "FROM", "JVM stacktrace", "at ", "== SQL")) or len(line) > 400
    )


def _relative(text: str, root: str | None) -> str:
    """Server paths become workspace-relative; other absolute paths are hidden."""
    import re

    if root:
        text = text.replace(root.rstrip("/") + "/", "")
    return re.sub(r"(?<![\w.])/(?:[\w.@~+-]+/)+([\w.@~+*-]+)", r"…/\1", text)


@dataclass(frozen=True)
class Query:
    metric: str
    grain: Grain = Grain.WEEK
    by: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    where: str | None = None
    compare: Compare | None = None
    stats: bool = False  # also return each value's sufficient statistics (for intervals)
    level: float = 0.95  # confidence level of those intervals (a median's order-statistic windows depend on it)

    def __post_init__(self) -> None:
        if not (isinstance(self.level, int | float) and 0 < self.level < 1):
            raise QueryError(
                f"a confidence level must be between 0 and 1, not {self.level!r}",
                "Write it as a fraction: 0.9 for a 90% interval, 0.95 (the default) for 95%.",
                code="bad_ci_level",
            )

    def key(self) -> tuple[Any, ...]:
        level = self.level if self.stats else None  # without statistics the level changes nothing
        return (
            self.metric,
            self.grain.value,
            self.by,
            self.start,
            self.end,
            self.where,
            self.compare,
            self.stats,
            level,
        )
