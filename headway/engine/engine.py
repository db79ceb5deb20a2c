"""The engine facade, and the one entry point every surface reads data through: `Engine.query`.

A query runs in four steps: gather the data facts it depends on (file versions,
each time column's first and last day), plan without I/O from those facts,
compile and run on the backend, then check that the files did not change while
they were read. Every cache is keyed on the spec, the data versions read, the
query and the actor's policy, so an answer is never served stale or to the
wrong person.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from cachetools import LRUCache

from headway.engine import batch
from headway.engine.access import Actor, check_access
from headway.engine.badrows import check_bad_rows
from headway.engine.calendar import Calendar
from headway.engine.compile import frameless, render
from headway.engine.facts import DataFacts, FactFinder
from headway.engine.files import DataChanged, DataError, SourceFiles, changed_error, changed_since, source_files
from headway.engine.plan import Plan, build_plan
from headway.engine.query import EngineError, Query, QueryError
from headway.engine.registry import ENGINES, EngineSpec, engine_spec
from headway.engine.results import Result, estimated_bytes
from headway.engine.rows import day_of, typed_rows
from headway.errors import HeadwayError
from headway.spec.models import Source
from headway.spec.workspace import Workspace

log = logging.getLogger("headway.engine")
T = TypeVar("T")
RETRIES = 2  # re-reads after the files changed under a query, before answering "data changed, retry"


@dataclass(frozen=True)
class Failure:
    """A query of a batch that failed alone: the others still answer."""

    metric: str
    error: HeadwayError


class Engine:
    def __init__(
        self,
        workspace: Workspace,
        engine: str | None = None,
        *,
        spark_session: Any = None,
        cache_bytes: int | None = None,
    ):
        self.workspace = workspace
        self.spec: EngineSpec = engine_spec(engine or workspace.config.engine.value)
        self.engine_name = self.spec.name
        self._spark_session = spark_session
        self._backend: Any = None
        limit = cache_bytes if cache_bytes is not None else workspace.config.cache.max_mb * 2**20
        self._cache: LRUCache[tuple[Any, ...], Result] = LRUCache(maxsize=limit, getsizeof=estimated_bytes)
        self._plans: LRUCache[tuple[Any, ...], str] = LRUCache(maxsize=512)
        self._built: LRUCache[tuple[Any, ...], Plan] = LRUCache(maxsize=512)
        self._reads: LRUCache[tuple[Any, ...], tuple[str, ...]] = LRUCache(maxsize=4096)
        self._gaps: LRUCache[tuple[Any, ...], bool] = LRUCache(maxsize=4096)  # see _run
        self._lock = threading.RLock()
        self.facts = FactFinder(workspace, self._prepare, lambda: self.backend)

    @property
    def backend(self) -> Any:
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    self._backend = self.spec.make(self.workspace, self._spark_session)
        return self._backend

    @property
    def cache_bytes(self) -> int:
        """Bytes the result cache holds now (estimated), for the health endpoint and the bench."""
        return int(self._cache.currsize)

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None

    # -- planning (pure, given the facts) -------------------------------------
    def plan(self, query: Query, facts: DataFacts | None = None) -> Plan:
        return self._plan(query, facts or self.facts.for_metric(query.metric), (), use_cache=True)

    def sql(self, query: Query, engine: str | None = None, *, actor: Actor) -> str:
        """The SQL that computes `query`, for `engine` (default: this engine's)."""
        check_access(self.workspace, actor, query.metric)
        spec = engine_spec(engine or self.engine_name)
        plan = self.plan(query)
        self._refuse_unsupported(plan, spec)
        return render(plan, spec.dialect)

    def view_sql(self, source: Source) -> str:
        return self.backend.view_sql(source, source_files(self.workspace, source))

    # -- running --------------------------------------------------------------
    def query(self, query: Query, *, actor: Actor, use_cache: bool = True, use_plan_cache: bool = True) -> Result:
        """The metric per period, as `actor` may see it. `use_cache=False` recomputes."""
        check_access(self.workspace, actor, query.metric)
        return _retrying(lambda: self._query_once(query, actor, use_cache, use_plan_cache))

    def query_many(self, queries: Sequence[Query], *, actor: Actor) -> list[Result | Failure]:
        """Several metrics together, sharing scans where they can; each fails alone, the rest still answer."""
        out: dict[int, Result | Failure] = {}
        for group in batch.groups(queries):
            allowed = [i for i in group if self._allowed(i, queries[i], actor, out)]
            if len(allowed) > 1:
                try:
                    shared = _retrying(lambda a=allowed: self._query_group([queries[i] for i in a], actor))  # type: ignore[misc]
                    out.update(zip(allowed, shared, strict=True))
                    continue
                except HeadwayError:  # run them one by one, so that only the failing ones fail
                    log.info("shared query of %s failed; running each alone", [queries[i].metric for i in allowed])
            for i in allowed:
                out[i] = self._one(queries[i], actor)
        return [out[i] for i in range(len(queries))]

    def _allowed(self, i: int, query: Query, actor: Actor, out: dict[int, Result | Failure]) -> bool:
        """Whether the actor may read the i-th query's metric; if not, its refusal is its answer."""
        try:
            check_access(self.workspace, actor, query.metric)
        except HeadwayError as error:
            out[i] = Failure(query.metric, error)
            return False
        return True

    def _one(self, query: Query, actor: Actor) -> Result | Failure:
        try:
            return self.query(query, actor=actor)
        except HeadwayError as error:
            return Failure(query.metric, error)
        except Exception as error:  # an engine fault we did not foresee must not take the batch down
            log.exception("query of %s failed", query.metric)
            return Failure(query.metric, EngineError(self.engine_name, error, str(self.workspace.root)))

    def _query_group(self, queries: list[Query], actor: Actor) -> list[Result]:
        """One compiled query for several metrics (same periods, no dimensions); each result cached alone."""
        cached = [self._cached(q, actor) for q in queries]
        if all(c is not None for c in cached):
            return cached  # type: ignore[return-value]
        facts = [self.facts.for_metric(q.metric) for q in queries]
        merged = DataFacts(
            {k: v for f in facts for k, v in f.bounds.items()}, {n: sf for f in facts for n, sf in f.files.items()}
        )
        prepared = self._prepared(queries[0], merged, tuple(q.metric for q in queries[1:]))
        sql, names, rows, elapsed = self._run(prepared, _versions(prepared.files), use_cache=False)
        results = []
        for k, (q, f) in enumerate(zip(queries, facts, strict=True)):
            own_names, own_rows = batch.split(names, rows, k, len(queries))
            own_files = {n: prepared.files[n] for n in self._sources_of(prepared.plan, k)}
            versions = _versions(own_files)
            extra = {"shared_with": [x.metric for x in queries]}
            result = self._result(q, prepared.plan, f, own_names, own_rows, sql, elapsed, versions, extra)
            self._keep(q, actor, versions, own_files, result)
            results.append(result)
        return results

    def _sources_of(self, plan: Plan, k: int) -> list[str]:
        """The sources the k-th metric of a plan reads (its leaves' sources and their joins)."""
        from headway.spec.graph import leaves as leaf_ids

        mine = set(leaf_ids(self.workspace.metrics, plan.roots[k][0]))
        own = [leaf for leaf in plan.leaves if leaf.metric.id in mine]
        return list(
            dict.fromkeys([leaf.source.name for leaf in own] + [j.to_source for leaf in own for j in leaf.joins])
        )

    def _query_once(self, query: Query, actor: Actor, use_cache: bool, use_plan_cache: bool) -> Result:
        quick = self._cached(query, actor) if use_cache else None
        if quick is not None:
            return quick
        facts = self.facts.for_metric(query.metric)
        prepared = self._prepared(query, facts, use_cache=use_plan_cache)
        versions = _versions(prepared.files)
        with self._lock:
            cached = self._cache.get(self._result_key(query, actor, versions)) if use_cache else None
        if cached is not None:
            return replace(cached, cached=True)
        sql, names, rows, elapsed = self._run(prepared, versions, use_plan_cache)
        result = self._result(query, prepared.plan, facts, names, rows, sql, elapsed, versions)
        self._keep(query, actor, versions, prepared.files, result)
        return result

    def _prepared(
        self, query: Query, facts: DataFacts, others: tuple[str, ...] = (), *, use_cache: bool = True
    ) -> _Prepared:
        """The steps every run shares: plan from the facts, refuse what the engine cannot do,
        find the files each source reads, and check that every join's key is unique on its side."""
        plan = self._plan(query, facts, others, use_cache)
        self._refuse_unsupported(plan, self.spec)
        files = self._files_of(plan, facts)
        for leaf in plan.leaves:
            for join in leaf.joins:
                self.facts.check_unique(join, files[join.to_source])
        return _Prepared(plan, files)

    def _plan(self, query: Query, facts: DataFacts, others: tuple[str, ...], use_cache: bool) -> Plan:
        """Plans are pure functions of the spec, the query and the data's bounds: build each once."""
        key = (self.workspace.spec_hash, query.key(), others, tuple(sorted(facts.bounds.items())))
        with self._lock:
            plan = self._built.get(key) if use_cache else None
        if plan is None:
            plan = build_plan(self.workspace, query, facts.bounds_of, others)
            with self._lock:
                self._built[key] = plan
        return plan

    def _run(
        self, prepared: _Prepared, versions: tuple[tuple[str, str], ...], use_cache: bool
    ) -> tuple[str, list[str], list[tuple[Any, ...]], float]:
        """Run the plan's SQL: first without its calendar where the plan allows (`frameless`) and the
        query's data has not lacked a row yet; kept when it has every row, else run again with the calendar.

        The same answer either way (a period's value is computed from its rows alike): the calendar's
        only work then is to add periods without rows, and its join is most of a small query's cost.
        """
        plan, spent = prepared.plan, 0.0
        # not keyed by data version: live data changes version every few seconds, and a query whose data
        # had a gap once would pay two scans after each change; it keeps the calendar until the spec changes
        gaps_key = _shape(plan)
        with self._lock:
            gappy = self._gaps.get(gaps_key, False)
        if frameless(plan) and not gappy:
            sql = self._compiled(plan, versions, use_cache, bare=True)
            names, rows, spent = self._timed(sql, prepared.files)
            if _every_period(rows, plan):
                return sql, names, rows, spent
            with self._lock:
                self._gaps[gaps_key] = True
        sql = self._compiled(plan, versions, use_cache)
        names, rows, elapsed = self._timed(sql, prepared.files)
        return sql, names, rows, spent + elapsed

    def _timed(self, sql: str, files: dict[str, SourceFiles]) -> tuple[list[str], list[tuple[Any, ...]], float]:
        started = time.perf_counter()
        names, rows = self._execute(sql, files)
        return names, rows, time.perf_counter() - started

    def _result(
        self,
        query: Query,
        plan: Plan,
        facts: DataFacts,
        names: list[str],
        rows: list[tuple[Any, ...]],
        sql: str,
        elapsed: float,
        versions: tuple[tuple[str, str], ...],
        extra: dict[str, Any] | None = None,
    ) -> Result:
        return Result(
            query.metric,
            query.grain,
            query.by,
            typed_rows(names, rows, plan, facts),
            sql,
            self.engine_name,
            False,
            plan.timeless,
            {"seconds": elapsed, "data_version": versions, **(extra or {})},
            facts.through,
        )

    def _result_key(self, query: Query, actor: Actor, versions: tuple[tuple[str, str], ...]) -> tuple[Any, ...]:
        return (self.workspace.spec_hash, versions, self.engine_name, query.key(), actor.policy_key)

    def _execute(self, sql: str, files: dict[str, SourceFiles]) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run on the backend; then check the files read are the files planned for."""
        try:
            names, rows = self.backend.execute(sql)
        except Exception as error:  # each engine raises its own types; callers get one
            for name, before in files.items():  # a file that vanished or moved mid-query is a change, not a fault
                if changed_since(self.workspace, self.workspace.sources[name], before):
                    raise changed_error(name) from None
            raise EngineError(self.engine_name, error, str(self.workspace.root)) from error
        self._verify(files)
        return names, rows

    def _keep(
        self,
        query: Query,
        actor: Actor,
        versions: tuple[tuple[str, str], ...],
        files: dict[str, SourceFiles],
        result: Result,
    ) -> None:
        """Refuse an answer over the row limit; otherwise cache it under its own key."""
        limit = self.workspace.config.cache.max_rows
        if len(result.rows) > limit:
            raise QueryError(
                f"the answer has {len(result.rows):,} rows; the limit is {limit:,}",
                "Use a coarser grain, fewer dimensions or a shorter range (or raise cache.max_rows in headway.yml).",
                code="too_large",
            )
        key = self._result_key(query, actor, versions)
        with self._lock:
            if estimated_bytes(result) <= self._cache.maxsize:  # an answer larger than the whole cache is not kept
                self._cache[key] = result
            self._reads[(self.workspace.spec_hash, query.key())] = tuple(files)

    def _cached(self, query: Query, actor: Actor) -> Result | None:
        """A cached answer found without planning: the sources a query reads depend on the spec, not the data."""
        with self._lock:
            names = self._reads.get((self.workspace.spec_hash, query.key()))
        if names is None:
            return None
        files = {name: self._prepare(self.workspace.sources[name]) for name in names}
        with self._lock:
            cached = self._cache.get(self._result_key(query, actor, _versions(files)))
        return replace(cached, cached=True) if cached is not None else None

    def data_versions(self) -> tuple[tuple[str, str], ...]:
        """Every source's data version now (listing files, reading none): changes whenever any file does."""
        out = []
        for name, source in sorted(self.workspace.sources.items()):
            try:
                out.append((name, source_files(self.workspace, source).version))
            except DataError as error:
                out.append((name, f"unreadable: {error.message}"))
        return tuple(out)

    @staticmethod
    def _refuse_unsupported(plan: Plan, spec: EngineSpec) -> None:
        for leaf in plan.leaves:
            spec.refuse_unsupported(leaf.metric.id, leaf.agg, leaf.mode.value)

    def _files_of(self, plan: Plan, facts: DataFacts) -> dict[str, SourceFiles]:
        needed = dict.fromkeys(
            [leaf.source.name for leaf in plan.leaves] + [j.to_source for leaf in plan.leaves for j in leaf.joins]
        )
        return {name: facts.files.get(name) or self._prepare(self.workspace.sources[name]) for name in needed}

    def _verify(self, files: dict[str, SourceFiles]) -> None:
        """The files read must be the files planned for: otherwise the answer may mix two versions."""
        for name, before in files.items():
            try:
                now = source_files(self.workspace, self.workspace.sources[name], confine=False)
            except DataError:
                now = None
            if now is None or now.version != before.version:
                raise changed_error(name)

    def _compiled(
        self, plan: Plan, versions: tuple[tuple[str, str], ...], use_cache: bool, *, bare: bool = False
    ) -> str:
        """The SQL for a plan, reused while neither the spec, the query nor the data it depends on changes."""
        key = (*_shape(plan), versions, bare)
        with self._lock:
            sql = self._plans.get(key) if use_cache else None
        if sql is None:
            sql = render(plan, self.backend.dialect, pretty=False, bare=bare)
            with self._lock:
                self._plans[key] = sql
        return sql

    # -- facts surfaces read --------------------------------------------------
    def data_range(self, metric_id: str) -> tuple[dt.date, dt.date] | None:
        """First and last local day with data across the metric's time-stamped sources."""
        return _retrying(lambda: self.facts.for_metric(metric_id)).span

    def data_through(self, metric_id: str) -> dt.date | None:
        """The last day every part of the metric is current through: periods ending later are not over yet."""
        return _retrying(lambda: self.facts.for_metric(metric_id)).through

    def rows(self, source: str, time_column: str, start: dt.date, end: dt.date, **kwargs: Any) -> list[dict[str, Any]]:
        """A source's rows with local time in [start, end) passing a filter: what `explain` lists."""
        from headway.engine.listing import list_rows

        return list_rows(self, source, time_column, start, end, **kwargs)

    def calendar(self) -> Calendar:
        return Calendar(self.workspace.config.week_start)

    def _prepare(self, source: Source) -> SourceFiles:
        files = source_files(self.workspace, source)
        try:
            self.backend.prepare(source, files)
        except DataError as error:
            if not isinstance(error, DataChanged) and changed_since(self.workspace, source, files):
                raise changed_error(source.name) from None
            raise
        check_bad_rows(self.workspace, self.backend, source, files)
        return files


@dataclass(frozen=True)
class _Prepared:
    plan: Plan
    files: dict[str, SourceFiles]


def _shape(plan: Plan) -> tuple[Any, ...]:
    """What a plan's SQL depends on besides the data: the spec, the query and the metrics sharing it."""
    return (plan.spec_hash, plan.query.key(), tuple(name for name, _ in plan.others))


def _every_period(rows: list[tuple[Any, ...]], plan: Plan) -> bool:
    """Whether a calendar-less answer has a row for each period of the plan's calendar and, by dimensions,
    for each period x each dimension value it shows: the rows the calendar's frame would have had."""
    assert plan.spine is not None
    starts = {p.start for p in plan.spine}
    if {day_of(row[0]) for row in rows} != starts:
        return False
    width = len(plan.dims)  # (period, dimension values) are unique: the count says whether the grid is full
    values = {tuple(_hashable(v) for v in row[1 : 1 + width]) for row in rows} if width else {()}
    return len(rows) == len(starts) * len(values)


def _hashable(value: Any) -> Any:
    """A dimension value as a set member: a struct (dict) or list as a tuple, NaN as one value (SQL
    groups all NaNs together; Python's NaN is not equal to itself)."""
    if isinstance(value, dict):
        return tuple((k, _hashable(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    return value


def _versions(files: dict[str, SourceFiles]) -> tuple[tuple[str, str], ...]:
    """The data version of each source read, in a stable order: part of every cache key."""
    return tuple(sorted((name, f.version) for name, f in files.items()))


def _retrying(read: Callable[[], T]) -> T:
    """Run a read again when the files changed under it; after the retries, answer "changed, ask again"."""
    for attempt in range(RETRIES + 1):
        try:
            return read()
        except DataChanged:
            if attempt == RETRIES:
                raise
            log.info("data changed while it was read; reading again")
            time.sleep(0.3 * (attempt + 1))  # past files.SETTLING_SECONDS: a file still unreadable then is broken
    raise AssertionError("unreachable")  # pragma: no cover


def engines() -> Iterable[str]:
    return ENGINES.keys()
