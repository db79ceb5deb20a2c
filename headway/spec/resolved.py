"""The normalize stage: every metric's expressions parsed and its columns resolved once per spec.

load → resolve (this module) → rules → plan. Validation, the dependency graph and the
planner read these resolved forms instead of parsing and resolving again on every use
(MetricFlow's load → transform → validate). What fails to parse or resolve is kept as a
problem beside the metric, for the rules to report with file:line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from headway.errors import SpecProblem
from headway.spec.expressions import Parsed, Purpose, parse
from headway.spec.fields import FieldRef, resolve
from headway.spec.models import Metric, Source


@dataclass(frozen=True)
class ResolvedMetric:
    """One metric, parsed and resolved. Parse trees are shared: callers copy before changing them."""

    id: str
    filter: Parsed | None = None
    measure: Parsed | None = None
    formula: Parsed | None = None
    parts: tuple[str, ...] = ()
    fields: Mapping[str, FieldRef] = field(default_factory=dict)  # filter, measure and dimension columns
    time: FieldRef | None = None
    valid_to: FieldRef | None = None
    problems: tuple[tuple[str, SpecProblem], ...] = ()  # (what, problem): for the rules to report

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, what: str) -> SpecProblem | None:
        """The problem met parsing `filter`/`measure`/`formula`, or resolving `field:<name>`, `time`…"""
        return next((p for w, p in self.problems if w == what), None)


class Resolutions(Mapping[str, ResolvedMetric]):
    """Every metric's resolved form, each built on first read and kept.

    Validation reads them all; a query reads only the metrics it plans, so a command that
    loaded the spec from the cache (`cache.py`) parses a handful of expressions, not hundreds.
    """

    def __init__(self, sources: Mapping[str, Source], metrics: Mapping[str, Metric]):
        self._sources, self._metrics = sources, metrics
        self._done: dict[str, ResolvedMetric] = {}

    def __getitem__(self, metric_id: str) -> ResolvedMetric:
        found = self._done.get(metric_id)
        if found is None:
            found = self._done[metric_id] = resolve_metric(self._sources, self._metrics[metric_id])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._metrics)

    def __len__(self) -> int:
        return len(self._metrics)


def resolve_metric(sources: Mapping[str, Source], metric: Metric) -> ResolvedMetric:
    problems: list[tuple[str, SpecProblem]] = []

    def parsed(what: str, text: str | None, purpose: Purpose) -> Parsed | None:
        if text is None:
            return None
        try:
            return parse(text, purpose)
        except SpecProblem as problem:
            problems.append((what, problem))
            return None

    formula = parsed("formula", metric.formula, Purpose.FORMULA)
    if metric.ratio is not None:
        parts: tuple[str, ...] = (metric.ratio.numerator, metric.ratio.denominator)
    else:
        parts = formula.fields if formula is not None else ()
    source = sources.get(metric.source or "")
    if source is None or metric.measure is None:
        return ResolvedMetric(metric.id, formula=formula, parts=parts, problems=tuple(problems))
    filter_ = parsed("filter", metric.filter, Purpose.FILTER)
    measure = parsed("measure", metric.measure.expr, Purpose.MEASURE)

    def ref(what: str, name: str | None) -> FieldRef | None:
        if name is None:
            return None
        try:
            return resolve(sources, source, name)
        except SpecProblem as problem:
            problems.append((what, problem))
            return None

    names = [*metric.dimensions, *(n for p in (filter_, measure) if p is not None for n in p.fields)]
    fields = {name: found for name in dict.fromkeys(names) if (found := ref(f"field:{name}", name)) is not None}
    time = ref("time", metric.time or source.time)
    valid_to = ref("snapshot.valid_to", metric.snapshot.valid_to if metric.snapshot else None)
    return ResolvedMetric(metric.id, filter_, measure, formula, parts, fields, time, valid_to, tuple(problems))
