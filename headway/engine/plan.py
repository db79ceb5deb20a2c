"""From a query to an engine-neutral plan: which rows, which aggregates, which periods.

The plan names every column it touches (already resolved and checked) and
carries the calendar as data, so compiling it for an engine is mechanical.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlglot import exp

from headway.engine.calendar import Calendar
from headway.engine.files import DataError
from headway.engine.query import Compare, Query, QueryError
from headway.spec.expressions import ExpressionError, Parsed, Purpose, parse
from headway.spec.fields import FieldError, FieldRef, Join, resolve
from headway.spec.graph import available_dimensions
from headway.spec.issues import choices_hint
from headway.spec.models import Agg, Grain, Metric, Source, duration_days
from headway.spec.resolved import ResolvedMetric
from headway.spec.typecheck import type_errors
from headway.spec.workspace import Workspace

ADDITIVE = {Agg.COUNT, Agg.COUNT_DISTINCT, Agg.SUM}
MAX_DIMENSIONS = 6
MAX_PERIODS = 5000
Bounds = Callable[[Source, str], tuple[dt.date, dt.date] | None]


class Mode(StrEnum):
    PLAIN = "plain"
    WINDOW = "window"
    CUMULATIVE = "cumulative"
    SNAPSHOT_LAST = "snapshot_last"
    SNAPSHOT_INTERVAL = "snapshot_interval"


@dataclass(frozen=True)
class Leaf:
    """A measure read from one source: the unit every metric rests on."""

    index: int
    metric: Metric
    origin: str
    source: Source
    mode: Mode
    time: FieldRef | None
    valid_to: FieldRef | None
    value: Parsed | None
    filters: tuple[Parsed, ...]  # the metric's own filter
    where: Parsed | None  # the query's --where, shared by every leaf
    dims: tuple[FieldRef, ...]
    fields: dict[str, FieldRef]
    joins: tuple[Join, ...]
    window_days: int | None = None
    reset: Grain | None = None

    @property
    def agg(self) -> Agg:
        assert self.metric.measure is not None
        return self.metric.measure.agg

    @property
    def counts_rows(self) -> bool:
        """count(*): every row it counts is a row behind it, so its n is its value (no need to compute both)."""
        return self.agg is Agg.COUNT and self.value is None

    @property
    def additive(self) -> bool:
        """Counts and sums of nothing are 0; every other aggregate of nothing is unknown."""
        return self.agg in ADDITIVE


@dataclass(frozen=True)
class LeafRef:
    leaf: int


@dataclass(frozen=True)
class RatioNode:
    numerator: Node
    denominator: Node


@dataclass(frozen=True)
class FormulaNode:
    tree: exp.Expr
    parts: dict[str, Node]


Node = LeafRef | RatioNode | FormulaNode


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    as_of: dt.date  # snapshot instant: the period's end, or the day after --to when that comes first
    requested: bool
    compare: dt.date | None
    window_starts: tuple[dt.date | None, ...] = ()
    covered: tuple[bool, ...] = ()  # per leaf: does the leaf's source hold data for this period at all?


@dataclass(frozen=True)
class Plan:
    query: Query
    metric: Metric
    origin: str
    root: Node
    leaves: tuple[Leaf, ...]
    dims: tuple[str, ...]
    spine: tuple[Period, ...] | None
    timezone: str
    calendar: Calendar
    spec_hash: str
    data_spans: tuple[tuple[dt.date, dt.date] | bool, ...] = ()  # per leaf: its source's first/last local day
    others: tuple[tuple[str, Node], ...] = ()  # more metrics computed by the same query (sharing its scans)

    @property
    def roots(self) -> tuple[tuple[str, Node], ...]:
        """Every metric this plan computes, the query's own first."""
        return ((self.metric.id, self.root), *self.others)

    @property
    def timeless(self) -> bool:
        return self.spine is None

    @property
    def span(self) -> tuple[dt.date, dt.date]:
        assert self.spine is not None
        return min(p.start for p in self.spine), max(p.end for p in self.spine)


def build_plan(ws: Workspace, query: Query, bounds: Bounds, also: tuple[str, ...] = ()) -> Plan:
    """The plan of `query`; with `also`, of those metrics too, for the same range and grain, in one query."""
    metric = _metric(ws, query.metric)
    dims = _check_dims(ws, metric, query.by)
    where = _parse_where(query.where)
    leaves: list[Leaf] = []
    root = _node(ws, metric.id, dims, where, leaves, ())
    others = []
    for other in also:
        _check_dims(ws, _metric(ws, other), query.by)
        others.append((other, _node(ws, other, dims, where, leaves, ())))
    calendar = Calendar(ws.config.week_start)
    spans = tuple(_data_span(leaf, bounds) for leaf in leaves)
    spine = _spine(query, tuple(leaves), calendar, bounds, spans)
    return Plan(
        query,
        metric,
        ws.where(metric.id),
        root,
        tuple(leaves),
        dims,
        spine,
        ws.config.timezone,
        calendar,
        ws.spec_hash,
        data_spans=spans if spine is not None else (),
        others=tuple(others),
    )


def _metric(ws: Workspace, metric_id: str) -> Metric:
    if metric_id not in ws.metrics:
        raise QueryError(
            f"unknown metric '{metric_id}'", choices_hint(metric_id, ws.metrics, "a metric id"), code="unknown_metric"
        )
    return ws.metrics[metric_id]


def _check_dims(ws: Workspace, metric: Metric, by: tuple[str, ...]) -> tuple[str, ...]:
    if len(by) > MAX_DIMENSIONS:
        raise QueryError(f"at most {MAX_DIMENSIONS} dimensions per query, got {len(by)}")
    if len(set(by)) != len(by):
        raise QueryError("a dimension is named twice in --by")
    declared = available_dimensions(ws.metrics, metric.id)
    for dim in by:
        if dim not in declared:
            listed = ", ".join(declared) if declared else "none"
            close = choices_hint(dim, declared, "a declared dimension") if declared else ""
            where = f"`dimensions:` of {metric.id} at {ws.where(metric.id)}"
            hint = f"{close} To slice by '{dim}', declare it under {where}.".strip()
            raise QueryError(
                f"metric '{metric.id}' has no dimension '{dim}' (declared: {listed})", hint, code="unknown_dimension"
            )
    return by


def _parse_where(text: str | None) -> Parsed | None:
    if text is None or not text.strip():
        return None
    try:
        return parse(text, Purpose.FILTER)
    except ExpressionError as error:
        raise QueryError(f"--where: {error.message}", error.hint, code="bad_where") from None


def _node(
    ws: Workspace,
    metric_id: str,
    dims: tuple[str, ...],
    where: Parsed | None,
    leaves: list[Leaf],
    seen: tuple[str, ...],
) -> Node:
    if metric_id in seen:  # guarded by validation; kept so a bad spec cannot recurse forever
        raise QueryError(f"derived metrics form a cycle through '{metric_id}'")
    metric = ws.metrics[metric_id]
    if metric.ratio is not None:
        return RatioNode(
            _node(ws, metric.ratio.numerator, dims, where, leaves, (*seen, metric_id)),
            _node(ws, metric.ratio.denominator, dims, where, leaves, (*seen, metric_id)),
        )
    if metric.formula is not None:
        formula = _resolved(ws, metric_id).formula
        assert formula is not None
        return FormulaNode(
            formula.tree, {p: _node(ws, p, dims, where, leaves, (*seen, metric_id)) for p in formula.fields}
        )
    for leaf in leaves:
        if leaf.metric.id == metric_id:
            return LeafRef(leaf.index)
    leaves.append(_leaf(ws, metric, len(leaves), dims, where))
    return LeafRef(len(leaves) - 1)


def _resolved(ws: Workspace, metric_id: str) -> ResolvedMetric:
    """The metric as the normalize stage parsed and resolved it (once per spec, not per query)."""
    found = ws.resolved[metric_id]
    if found.problems:  # a loaded workspace has none; kept so a bad spec is refused, not planned
        what, problem = found.problems[0]
        raise QueryError(f"metric '{metric_id}' {what}: {problem.message}", problem.hint, code="bad_spec")
    return found


def _leaf(ws: Workspace, metric: Metric, index: int, dims: tuple[str, ...], where: Parsed | None) -> Leaf:
    assert metric.source is not None and metric.measure is not None
    source = ws.sources[metric.source]
    resolved = _resolved(ws, metric.id)
    filters = [resolved.filter] if resolved.filter is not None else []
    value = resolved.measure
    used = [*dims, *(n for p in (*filters, value, where) if p is not None for n in p.fields)]
    fields = {  # only what this query reads: an unused related column must not add a join
        name: resolved.fields.get(name) or _resolve(ws, source, name, metric, where) for name in dict.fromkeys(used)
    }
    if where is not None:
        for message, hint in type_errors(where.tree, lambda n: fields[n].type if n in fields else None):
            raise QueryError(f"--where: {message}", hint, code="bad_where")
    joins = tuple(dict.fromkeys(f.join for f in fields.values() if f.join is not None))
    return Leaf(
        index=index,
        metric=metric,
        origin=ws.where(metric.id),
        source=source,
        mode=_mode(metric),
        time=resolved.time,
        valid_to=resolved.valid_to,
        value=value,
        filters=tuple(filters),
        where=where,
        dims=tuple(fields[d] for d in dims),
        fields=fields,
        joins=joins,
        window_days=duration_days(metric.window) if metric.window else None,
        reset=metric.cumulative.reset if metric.cumulative else None,
    )


def _resolve(ws: Workspace, source: Source, name: str, metric: Metric, where: Parsed | None) -> FieldRef:
    try:
        return resolve(ws.sources, source, name)
    except FieldError as error:
        in_where = where is not None and name in where.fields
        if in_where and where is not None and f'"{name}"' in where.text:
            error = FieldError(error.message, f"Double quotes name a column; write text in single quotes: '{name}'.")
        elif in_where and "Did you mean" not in error.hint and "." not in name:
            error = FieldError(error.message, f"If '{name}' is a value, not a column, quote it: '{name}'. {error.hint}")
        prefix = f"--where: metric '{metric.id}' reads source '{source.name}'; " if in_where else ""
        raise QueryError(prefix + error.message, error.hint, code="bad_where" if in_where else "bad_spec") from None


def _mode(metric: Metric) -> Mode:
    if metric.window is not None:
        return Mode.WINDOW
    if metric.cumulative is not None:
        return Mode.CUMULATIVE
    if metric.snapshot is not None:
        return Mode.SNAPSHOT_INTERVAL if metric.snapshot.valid_to else Mode.SNAPSHOT_LAST
    return Mode.PLAIN


def _spine(
    query: Query,
    leaves: tuple[Leaf, ...],
    calendar: Calendar,
    bounds: Bounds,
    spans: tuple[tuple[dt.date, dt.date] | bool, ...],
) -> tuple[Period, ...] | None:
    if all(leaf.time is None for leaf in leaves):
        if query.compare is not None:
            raise QueryError("--compare needs a metric with a time column")
        return None
    first, last = _range(query, leaves, bounds)
    grain = query.grain
    requested = calendar.periods(first, last, grain)
    if len(requested) > MAX_PERIODS:
        raise QueryError(
            f"{len(requested)} {grain.value} periods requested; the limit is {MAX_PERIODS}",
            "Use a coarser --grain or a shorter --from/--to range.",
        )
    cap = query.end + dt.timedelta(days=1) if query.end is not None else None
    shapes = tuple((leaf.mode, leaf.window_days, leaf.reset) for leaf in leaves)
    return _periods(calendar, grain, tuple(requested), query.compare, cap, shapes, spans)


LeafShape = tuple[Mode, int | None, Grain | None]  # what a period's window and coverage depend on


@functools.lru_cache(maxsize=512)  # a pure calendar computation; the same range recurs query after query
def _periods(
    calendar: Calendar,
    grain: Grain,
    requested: tuple[dt.date, ...],
    compare_to: Compare | None,
    cap: dt.date | None,
    shapes: tuple[LeafShape, ...],
    spans: tuple[tuple[dt.date, dt.date] | bool, ...],
) -> tuple[Period, ...]:
    compare = {start: _compare_start(calendar, start, grain, compare_to) for start in requested}
    starts = sorted(set(requested) | {c for c in compare.values() if c is not None})
    wanted = set(requested)
    periods = []
    for start in starts:
        end = calendar.end(start, grain)
        as_of = min(end, cap) if cap is not None else end
        windows = tuple(_window_start(calendar, shape, start, end) for shape in shapes)
        reads = zip(spans, shapes, windows, strict=True)
        covered = tuple(_covers(span, shape[0], start, end, window) for span, shape, window in reads)
        compared = compare.get(start) if start in wanted else None
        periods.append(Period(start, end, as_of, start in wanted, compared, windows, covered))
    return tuple(periods)


def _covers(
    span: tuple[dt.date, dt.date] | bool, mode: Mode, start: dt.date, end: dt.date, window: dt.date | None
) -> bool:
    """Whether the rows a period reads (its own days, or its window's) overlap the source's data."""
    if isinstance(span, bool):
        return span
    first_read = window if window is not None else start
    if mode is Mode.CUMULATIVE and window is None:
        return span[0] < end  # a running total since the beginning: known once data has started
    return span[0] < end and span[1] >= first_read


def _data_span(leaf: Leaf, bounds: Bounds) -> tuple[dt.date, dt.date] | bool:
    """The days a leaf's source has data for; True when unknown (files unreadable), False when empty.

    Outside this span a count is not 0 but unknown: the source was not collecting yet.
    """
    if leaf.time is None:
        return True
    try:
        span = bounds(leaf.source, leaf.time.column)
    except DataError:
        return True
    return False if span is None else span


FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


def _range(query: Query, leaves: tuple[Leaf, ...], bounds: Bounds) -> tuple[dt.date, dt.date]:
    for day in (query.start, query.end):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise QueryError(
                f"{day} is outside the dates Headway works with", f"Use dates from {FIRST_DAY} to {LAST_DAY}."
            )
    if query.start is not None and query.end is not None:
        if query.start > query.end:
            raise QueryError(f"--from {query.start} is after --to {query.end}")
        return query.start, query.end
    found = [
        b for leaf in leaves if leaf.time is not None for b in [bounds(leaf.source, leaf.time.column)] if b is not None
    ]
    if not found:
        day = query.start or query.end
        if day is None:
            raise QueryError(
                "the metric's sources hold no rows, so there is no default date range",
                "Pass --from and --to.",
                code="no_data",
            )
        return day, day
    start = query.start or min(b[0] for b in found)
    end = query.end or max(b[1] for b in found)
    if start > end:
        raise QueryError(f"--from {start} is after the last data ({end})", "Pass an earlier --from or a --to.")
    return start, end


def _compare_start(calendar: Calendar, start: dt.date, grain: Grain, compare: Compare | None) -> dt.date | None:
    if compare is Compare.PREVIOUS:
        return calendar.shift(start, grain, -1)
    if compare is Compare.YEAR_AGO:
        return calendar.year_ago(start, grain)
    return None


def _window_start(calendar: Calendar, shape: LeafShape, start: dt.date, end: dt.date) -> dt.date | None:
    mode, window_days, reset = shape
    if mode is Mode.WINDOW and window_days is not None:
        return end - dt.timedelta(days=window_days)
    if mode is Mode.CUMULATIVE and reset is not None:
        return calendar.start(end - dt.timedelta(days=1), reset)
    return None
