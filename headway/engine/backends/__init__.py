"""Engines that run compiled SQL: DuckDB embedded (default) and Spark."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from headway.engine.dialects import Dialect
from headway.engine.files import SourceFiles
from headway.spec.models import Source


class Backend(Protocol):
    name: str
    dialect: Dialect

    def prepare(self, source: Source, files: SourceFiles) -> None:
        """Make the typed view `hw_<source>` read exactly these files."""

    def view_sql(self, source: Source, files: SourceFiles) -> str:
        """The statement that defines the source's view, for `headway sql`."""

    def raw_relation(self, source: Source, files: SourceFiles) -> tuple[Any, dict[str, str]]:
        """The files as the reader sees them (a SQLGlot relation), and each field's type."""

    def execute(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows."""

    def min_max(self, source: Source, column: str) -> tuple[dt.datetime | dt.date | None, dt.datetime | dt.date | None]:
        """Earliest and latest raw value of a time column."""

    def close(self) -> None: ...
