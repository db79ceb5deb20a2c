"""How metrics depend on each other: parts of derived metrics, cycles, leaves."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from headway.spec.expressions import ExpressionError, Purpose, parse
from headway.spec.models import Contribution, Kind, Metric, Source


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


def drivers(metrics: Mapping[str, Metric]) -> dict[str, list[tuple[str, Contribution]]]:
    """For each metric, the metrics declared to move it (`contributes_to`), sorted by id."""
    out: dict[str, list[tuple[str, Contribution]]] = {}
    for metric in sorted(metrics.values(), key=lambda m: m.id):
        for link in metric.contributes_to:
            if link.metric in metrics:
                out.setdefault(link.metric, []).append((metric.id, link))
    return out


def tree_roots(metrics: Mapping[str, Metric], north_star: str | None = None) -> list[str]:
    """The tops of the metric tree: the north star (of any kind), every KPI, then every metric at the
    top of a `contributes_to` chain or holding counter-metrics, so no declared link is left out.

    A chain that loops back on itself has no top; its smallest id not yet shown becomes a root.
    """
    moved = drivers(metrics)
    roots: list[str] = [north_star] if north_star is not None and north_star in metrics else []
    roots += sorted(m.id for m in metrics.values() if m.kind is Kind.KPI and m.id not in roots)
    linked = {m.id for m in metrics.values() if m.contributes_to or m.counter_metrics} | set(moved)
    tops = sorted(mid for mid in linked if not any(link.metric in metrics for link in metrics[mid].contributes_to))
    roots += [mid for mid in tops if mid not in roots]
    shown = _reached(roots, moved)
    for mid in sorted(linked - shown):  # loops: every member contributes to another member
        if mid not in shown:
            roots.append(mid)
            shown |= _reached([mid], moved)
    return roots


def _reached(roots: list[str], moved: Mapping[str, list[tuple[str, Contribution]]]) -> set[str]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(driver for driver, _ in moved.get(node, []))
    return seen
