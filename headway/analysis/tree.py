"""The metric tree: KPIs, the metrics declared to move them (`contributes_to`), their counter-metrics.

Structure only, read from the spec; the CLI, the API and the /tree page all draw this one
object. Evidence on each link is added by `headway.analysis.alignment`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from headway.spec.graph import parts, tree_roots
from headway.spec.models import Kind, Metric, Sign, duration_days
from headway.spec.workspace import Workspace

DEFAULT_MAX_LAG = 4  # periods searched when a link declares no lag
MAX_LAG = 12


@dataclass(frozen=True)
class Link:
    """One declared `contributes_to` edge: `driver` is expected to move `target`."""

    driver: str
    target: str
    sign: Sign
    lag: str | None = None
    note: str | None = None

    @property
    def key(self) -> str:
        return f"{self.driver}~{self.target}"

    @property
    def sign_value(self) -> int:
        return 1 if self.sign is Sign.POSITIVE else -1

    def max_lag(self, period_days: int = 7) -> int:
        """Lags searched, in periods: 0 to twice the declared lag (a lag is a guess, not a fact)."""
        if self.lag is None:
            return DEFAULT_MAX_LAG
        declared = max(1, round(duration_days(self.lag) / period_days))
        return min(MAX_LAG, 2 * declared)


@dataclass(frozen=True)
class MetricTree:
    kpis: list[str]  # north star first
    links: list[Link]
    counters: list[tuple[str, str]]  # (guarded metric, counter-metric)
    depth: dict[str, int]  # steps from the nearest KPI along links; absent: no path to a KPI
    roots: list[str]  # the north star, KPIs, then the tops of other chains (spec.graph.tree_roots)
    layer: dict[str, int]  # longest chain of links to a metric that drives nothing: the page's column

    def drivers(self, metric_id: str) -> list[Link]:
        return sorted((k for k in self.links if k.target == metric_id), key=lambda k: k.driver)

    def driven(self, metric_id: str) -> list[Link]:
        return sorted((k for k in self.links if k.driver == metric_id), key=lambda k: k.target)

    def members(self) -> list[str]:
        """Every metric the tree draws: KPIs, both ends of each link, counter-metrics."""
        found = dict.fromkeys(self.kpis)
        for link in self.links:
            found.update(dict.fromkeys([link.target, link.driver]))
        for guarded, counter in self.counters:
            found.update(dict.fromkeys([guarded, counter]))
        return list(found)


def build_tree(ws: Workspace) -> MetricTree:
    metrics = ws.metrics
    kpis = sorted((m.id for m in metrics.values() if m.kind is Kind.KPI), key=lambda i: (i != ws.config.north_star, i))
    links = [
        Link(m.id, c.metric, c.sign, c.lag, c.note)
        for m in metrics.values()
        for c in m.contributes_to
        if c.metric in metrics
    ]
    counters = [(m.id, c) for m in metrics.values() for c in m.counter_metrics if c in metrics]
    depth = _depths(kpis, links)
    roots = tree_roots(metrics, ws.config.north_star)
    ordered = sorted(links, key=lambda k: (k.target, k.driver))
    members = kpis + [end for k in ordered for end in (k.target, k.driver)]
    return MetricTree(kpis, ordered, counters, depth, roots, _layers(members, ordered))


def _depths(kpis: list[str], links: list[Link]) -> dict[str, int]:
    depth = dict.fromkeys(kpis, 0)
    queue = deque(kpis)
    while queue:
        here = queue.popleft()
        for link in links:
            if link.target == here and link.driver not in depth:
                depth[link.driver] = depth[here] + 1
                queue.append(link.driver)
    return depth


def _layers(members: list[str], links: list[Link]) -> dict[str, int]:
    targets: dict[str, list[str]] = {}
    for link in links:
        targets.setdefault(link.driver, []).append(link.target)
    layer: dict[str, int] = {}

    def visit(node: str, path: frozenset[str]) -> int:
        if node not in layer:
            ahead = [visit(t, path | {node}) for t in targets.get(node, []) if t not in path]
            layer[node] = 1 + max(ahead) if ahead else 0
        return layer[node]

    for node in dict.fromkeys(members):
        visit(node, frozenset())
    return layer


def unconnected(ws: Workspace, tree: MetricTree) -> list[Metric]:
    """Delivery and input metrics with no path to any KPI: not linked, and not a part of a linked metric."""
    reached = set(tree.depth)
    for metric_id in list(reached):
        reached.update(_all_parts(ws, metric_id))
    kinds = {Kind.DELIVERY, Kind.INPUT}
    return sorted(
        (m for m in ws.metrics.values() if m.kind in kinds and m.id not in reached and m.status.value != "retired"),
        key=lambda m: m.id,
    )


def kpis_without_driver(tree: MetricTree) -> list[str]:
    return [k for k in tree.kpis if not tree.drivers(k)]


def _all_parts(ws: Workspace, metric_id: str, seen: frozenset[str] = frozenset()) -> set[str]:
    found: set[str] = set()
    for part in parts(ws.metrics[metric_id]):
        if part in ws.metrics and part not in seen:
            found |= {part} | _all_parts(ws, part, seen | {metric_id})
    return found
