"""The data facts a plan depends on, gathered before planning so planning itself does no I/O.

For each time-stamped source a metric reads: which files (and so which data
version), and the first and last local day it holds. From those, the one rule
for how current a metric is: each part is current through its source's last row,
or, for a source declared `current_through: workspace` (sparse sources such as
releases), through the latest day any source in the workspace has data for.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from cachetools import LRUCache
from sqlglot import exp

from headway.engine.files import DataError, SourceFiles, changed_error, changed_since
from headway.engine.query import QueryError, complaint
from headway.engine.sql import col, ident
from headway.engine.views import view_name
from headway.spec.fields import Join
from headway.spec.graph import leaves, time_column
from headway.spec.issues import choices_hint
from headway.spec.models import CurrentThrough, Source
from headway.spec.workspace import Workspace

Span = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class DataFacts:
    """What the data looked like when a query was planned."""

    bounds: dict[tuple[str, str], Span | None] = field(default_factory=dict)
    files: dict[str, SourceFiles] = field(default_factory=dict)
    span: Span | None = None  # first and last day across the metric's parts
    through: dt.date | None = None  # the last day every part is current through

    def bounds_of(self, source: Source, column: str) -> Span | None:
        return self.bounds.get((source.name, column))


class FactFinder:
    """Reads and caches data facts per data version (a new file is a new version, so never stale)."""

    def __init__(self, ws: Workspace, prepare: Callable[[Source], SourceFiles], backend: Callable[[], Any]):
        self.ws = ws
        self._prepare = prepare
        self._backend = backend
        self._cache: LRUCache[tuple[Any, ...], Any] = LRUCache(maxsize=4096)
        self._lock = threading.Lock()

    def for_metric(self, metric_id: str) -> DataFacts:
        ws = self.ws
        if metric_id not in ws.metrics:
            raise QueryError(
                f"unknown metric '{metric_id}'",
                choices_hint(metric_id, ws.metrics, "a metric id"),
                code="unknown_metric",
            )
        bounds: dict[tuple[str, str], Span | None] = {}
        files: dict[str, SourceFiles] = {}
        throughs: list[dt.date] = []
        for leaf_id in leaves(ws.metrics, metric_id):
            metric = ws.metrics[leaf_id]
            source = ws.sources[metric.source or ""]
            files[source.name] = files.get(source.name) or self._prepare(source)
            column = time_column(metric, source)
            if column is None:
                continue
            span = self.bounds(source, column, files[source.name])
            bounds[(source.name, column)] = span
            through = self._through(source, span)
            if through is not None:
                throughs.append(through)
        found = [b for b in bounds.values() if b is not None]
        span = (min(b[0] for b in found), max(b[1] for b in found)) if found else None
        return DataFacts(bounds, files, span, min(throughs) if throughs else None)

    def bounds(self, source: Source, column: str, files: SourceFiles) -> Span | None:
        key = ("bounds", source.name, column, files.version)
        with self._lock:
            if key in self._cache:
                return self._cache[key]  # type: ignore[no-any-return]
        try:
            low, high = self._backend().min_max(source, column)
        except DataError:
            raise
        except Exception as error:  # the engine refused a value in the column: name the source, keep its complaint
            if changed_since(self.ws, source, files):
                raise changed_error(source.name) from None
            raise DataError(
                f"source '{source.name}': cannot read time column '{column}': {complaint(error, str(self.ws.root))}",
                "Fix the value in the data, or declare the column with the type it holds.",
            ) from None
        zone = self.ws.config.timezone
        span = None if low is None or high is None else (_local_day(low, zone), _local_day(high, zone))
        with self._lock:
            self._cache[key] = span
        return span

    def _through(self, source: Source, span: Span | None) -> dt.date | None:
        if source.current_through is CurrentThrough.WORKSPACE:
            return self.workspace_through()
        return span[1] if span is not None else None

    def workspace_through(self) -> dt.date | None:
        """The latest day any time-stamped source holds data for (unreadable sources are skipped)."""
        days = []
        for source in self.ws.sources.values():
            if source.time is None or source.current_through is CurrentThrough.WORKSPACE:
                continue
            try:
                span = self.bounds(source, source.time, self._prepare(source))
            except DataError:
                continue
            if span is not None:
                days.append(span[1])
        return max(days) if days else None

    def check_unique(self, join: Join, files: SourceFiles) -> None:
        """A declared primary key that repeats would double-count every joined row: refuse it."""
        key = ("unique", join.to_source, join.to_column, files.version)
        with self._lock:
            dupes = self._cache.get(key)
        if dupes is None:
            target = col(join.to_column)
            count = exp.Sub(
                this=exp.Count(this=target), expression=exp.Count(this=exp.Distinct(expressions=[target.copy()]))
            )
            query = exp.select(count).from_(exp.Table(this=ident(view_name(join.to_source))))
            backend = self._backend()
            _, rows = backend.execute(query.sql(backend.dialect.sqlglot))
            dupes = int(rows[0][0] or 0)
            with self._lock:
                self._cache[key] = dupes
        if dupes:
            raise DataError(
                f"source '{join.to_source}' declares primary_key {join.to_column}, "
                f"but {dupes} values repeat; "
                f"joining it for {join.entity} dimensions would double-count rows. Fix the data or the primary_key."
            )


def _local_day(value: Any, zone: str) -> dt.date:
    if isinstance(value, dt.datetime):
        if zone != "UTC":
            value = value.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(zone))
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
