"""The engine facade: plan, compile, run and cache a metric query on one backend."""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from dataclasses import replace
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from cachetools import LRUCache
from sqlglot import exp

from headway.engine.backends import Backend
from headway.engine.badrows import check_bad_rows
from headway.engine.compile import render
from headway.engine.dialects import DIALECTS
from headway.engine.files import DataError, SourceFiles, source_files
from headway.engine.plan import Plan, build_plan
from headway.engine.query import EngineError, Query, QueryError, Result
from headway.engine.sql import col, ident
from headway.engine.views import view_name
from headway.spec.fields import Join
from headway.spec.models import Source
from headway.spec.workspace import Workspace


def make_backend(ws: Workspace, name: str | None = None, spark_session: Any = None) -> Backend:
    name = name or ws.config.engine.value
    if name == "duckdb":
        from headway.engine.backends.duckdb import DuckDBBackend

        return DuckDBBackend(ws.config.duckdb)
    if name == "spark":
        from headway.engine.backends.spark import SparkBackend

        return SparkBackend(ws.config.spark, session=spark_session)
    raise QueryError(f"unknown engine '{name}'", "Use duckdb or spark.")


class Engine:
    def __init__(
        self, workspace: Workspace, engine: str | None = None, *, spark_session: Any = None, cache_size: int = 512
    ):
        self.workspace = workspace
        self.engine_name = engine or workspace.config.engine.value
        if self.engine_name not in DIALECTS:
            raise QueryError(f"unknown engine '{self.engine_name}'", "Use duckdb or spark.")
        self._spark_session = spark_session
        self._backend: Backend | None = None
        self._cache: LRUCache[tuple[Any, ...], Result] = LRUCache(maxsize=cache_size)
        self._plans: LRUCache[tuple[Any, ...], str] = LRUCache(maxsize=cache_size)
        self._facts: dict[tuple[Any, ...], Any] = {}
        self._lock = threading.RLock()

    @property
    def backend(self) -> Backend:
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    self._backend = make_backend(self.workspace, self.engine_name, self._spark_session)
        return self._backend

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None

    # -- planning -----------------------------------------------------------
    def plan(self, query: Query) -> Plan:
        return build_plan(self.workspace, query, self._bounds)

    def sql(self, query: Query, engine: str | None = None) -> str:
        """The SQL that computes `query`, for `engine` (default: this engine's)."""
        dialect = DIALECTS.get(engine or self.engine_name)
        if dialect is None:
            raise QueryError(f"unknown engine '{engine}'", "Use duckdb or spark.")
        return render(self.plan(query), dialect)

    def view_sql(self, source: Source) -> str:
        return self.backend.view_sql(source, source_files(self.workspace, source))

    # -- running ------------------------------------------------------------
    def query(self, query: Query, *, use_cache: bool = True, use_plan_cache: bool = True) -> Result:
        """The metric per period. `use_cache=False` recomputes; `use_plan_cache=False` also recompiles."""
        plan = self.plan(query)
        needed = dict.fromkeys(
            [leaf.source.name for leaf in plan.leaves] + [j.to_source for leaf in plan.leaves for j in leaf.joins]
        )
        files = {name: self._prepare(self.workspace.sources[name]) for name in needed}
        versions = tuple(sorted((name, f.version) for name, f in files.items()))
        key = (self.workspace.spec_hash, versions, self.engine_name, query.key())
        with self._lock:
            cached = self._cache.get(key) if use_cache else None
        if cached is not None:
            return replace(cached, cached=True)
        for leaf in plan.leaves:
            for join in leaf.joins:
                self._check_unique(join, files)
        sql = self._compiled(plan, versions, use_plan_cache)
        started = time.perf_counter()
        try:
            names, rows = self.backend.execute(sql)
        except Exception as error:  # each engine raises its own types; callers get one
            raise EngineError(self.engine_name, error) from error
        elapsed = time.perf_counter() - started
        result = Result(
            query.metric,
            query.grain,
            query.by,
            _rows(names, rows, plan),
            sql,
            self.engine_name,
            False,
            plan.timeless,
            {"seconds": elapsed, "data_version": versions},
        )
        with self._lock:
            self._cache[key] = result
        return result

    def _compiled(self, plan: Plan, versions: tuple[tuple[str, str], ...], use_cache: bool) -> str:
        """The SQL for a plan, reused while neither the spec nor the query changes.

        With explicit --from and --to the SQL does not depend on the data, so a new
        data version (new events) re-runs the same SQL without recompiling it.
        """
        q = plan.query
        fixed = q.start is not None and q.end is not None
        key = (self.workspace.spec_hash, q.key(), () if fixed else versions)
        with self._lock:
            sql = self._plans.get(key) if use_cache else None
        if sql is None:
            sql = render(plan, self.backend.dialect, pretty=False)
            with self._lock:
                self._plans[key] = sql
        return sql

    def data_range(self, metric_id: str) -> tuple[dt.date, dt.date] | None:
        """First and last local day with data across the metric's time-stamped sources."""
        found = self._part_ranges(metric_id)
        return (min(b[0] for b in found), max(b[1] for b in found)) if found else None

    def data_through(self, metric_id: str) -> dt.date | None:
        """The last day every part of the metric has data for: periods ending later are not over yet."""
        found = self._part_ranges(metric_id)
        return min(b[1] for b in found) if found else None

    def _part_ranges(self, metric_id: str) -> list[tuple[dt.date, dt.date]]:
        from headway.spec.graph import leaves, time_column

        ws = self.workspace
        found = []
        for leaf_id in leaves(ws.metrics, metric_id):
            metric = ws.metrics[leaf_id]
            source = ws.sources[metric.source or ""]
            column = time_column(metric, source)
            bounds = self._bounds(source, column) if column else None
            if bounds is not None:
                found.append(bounds)
        return found

    # -- helpers ------------------------------------------------------------
    def _files(self, source: Source) -> SourceFiles:
        return source_files(self.workspace, source)

    def _prepare(self, source: Source) -> SourceFiles:
        files = self._files(source)
        self.backend.prepare(source, files)
        check_bad_rows(self.workspace, self.backend, source, files)
        return files

    def _bounds(self, source: Source, column: str) -> tuple[dt.date, dt.date] | None:
        files = self._prepare(source)
        key = ("bounds", source.name, column, files.version)
        if key not in self._facts:
            low, high = self.backend.min_max(source, column)
            zone = self.workspace.config.timezone
            self._facts[key] = None if low is None or high is None else (_local_day(low, zone), _local_day(high, zone))
        return self._facts[key]  # type: ignore[no-any-return]

    def _check_unique(self, join: Join, files: dict[str, SourceFiles]) -> None:
        """A declared primary key that repeats would double-count every joined row: refuse it."""
        version = files[join.to_source].version
        key = ("unique", join.to_source, join.to_column, version)
        if key not in self._facts:
            target = col(join.to_column)
            dupes = exp.Sub(
                this=exp.Count(this=target), expression=exp.Count(this=exp.Distinct(expressions=[target.copy()]))
            )
            query = exp.select(dupes).from_(exp.Table(this=ident(view_name(join.to_source))))
            _, rows = self.backend.execute(query.sql(self.backend.dialect.sqlglot))
            self._facts[key] = int(rows[0][0] or 0)
        if self._facts[key]:
            raise DataError(
                f"source '{join.to_source}' declares primary_key {join.to_column}, "
                f"but {self._facts[key]} values repeat; "
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


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _rows(names: list[str], rows: list[tuple[Any, ...]], plan: Plan) -> list[dict[str, Any]]:
    rename = {f"d{i}": dim for i, dim in enumerate(plan.dims)}
    out = [{rename.get(n, n): _json_value(v) for n, v in zip(names, row, strict=True)} for row in rows]
    dims = list(plan.dims)
    if plan.timeless:
        for row in out:
            row["period"] = None
    out.sort(key=lambda r: (r.get("period") or "", *[(r[d] is None, str(r[d])) for d in dims]))
    ordered = ["period", *dims, "value", "n", "compare_period", "compare_value", "change", "change_pct"]
    return [{k: row[k] for k in ordered if k in row} for row in out]
