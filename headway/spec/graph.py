"""How metrics depend on each other: parts of derived metrics, cycles, leaves."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from headway.spec.expressions import ExpressionError, Purpose, parse
from headway.spec.models import Metric, Source


def parts(metric: Metric) -> list[str]:
    """The metric ids a derived metric is computed from, in order of first use."""
    if metric.ratio is not None:
        return [metric.ratio.numerator, metric.ratio.denominator]
    if metric.formula is not None:
        return list(_formula_parts(metric.formula))
    return []


@lru_cache(maxsize=4096)
def _formula_parts(formula: str) -> tuple[str, ...]:
    """A formula's metric ids, parsed once per text (the graph is walked many times per validate)."""
    try:
        return parse(formula, Purpose.FORMULA).fields
    except ExpressionError:
        return ()


def find_cycles(metrics: Mapping[str, Metric]) -> list[list[str]]:
    """Each cycle once, as the list of ids around it, starting at its smallest id."""
    graph = {mid: [p for p in parts(m) if p in metrics] for mid, m in metrics.items()}
    cycles: dict[tuple[str, ...], list[str]] = {}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                loop = stack[stack.index(nxt) :]
                start = loop.index(min(loop))
                ordered = loop[start:] + loop[:start]
                cycles.setdefault(tuple(ordered), ordered)
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return list(cycles.values())


def leaves(metrics: Mapping[str, Metric], metric_id: str, _seen: frozenset[str] = frozenset()) -> list[str]:
    """The measure metrics (those read from a source) a metric finally rests on."""
    metric = metrics[metric_id]
    if not metric.is_derived:
        return [metric_id]
    out: list[str] = []
    for part in parts(metric):
        if part in metrics and part not in _seen:
            for leaf in leaves(metrics, part, _seen | {metric_id}):
                if leaf not in out:
                    out.append(leaf)
    return out


def time_column(metric: Metric, source: Source) -> str | None:
    return metric.time or source.time


def available_dimensions(metrics: Mapping[str, Metric], metric_id: str) -> list[str]:
    """A measure metric's declared dimensions; for derived ones, those every part shares."""
    metric = metrics[metric_id]
    if metric.dimensions or not metric.is_derived:
        return list(metric.dimensions)
    shared: list[str] | None = None
    for leaf in leaves(metrics, metric_id):
        dims = metrics[leaf].dimensions
        shared = list(dims) if shared is None else [d for d in shared if d in dims]
    return shared or []
