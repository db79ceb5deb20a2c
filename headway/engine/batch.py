"""Several metrics in one engine query: which queries may share scans, and how to split the answer.

Queries share one compiled query when they ask for the same periods the same way (grain,
explicit range, where, compare) with no dimensions: the plan then holds one root per
metric, parts reading the same source share its scan, and each metric's columns are
`value`, `n`… for the first and `value_1`, `n_1`… after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from headway.engine.compile import suffixed
from headway.engine.query import Query

PER_METRIC = ("value", "n", "compare_value", "change", "change_pct")


def group_key(query: Query) -> tuple[Any, ...] | None:
    """What must be equal for queries to share one compiled query; None when a query runs alone."""
    if query.start is None or query.end is None or query.by or query.stats:
        return None
    return (query.grain, query.start, query.end, query.where, query.compare)


def groups(queries: Sequence[Query]) -> list[list[int]]:
    """Indexes of queries, grouped; a query that cannot share is a group of its own."""
    found: dict[tuple[Any, ...], list[int]] = {}
    alone: list[list[int]] = []
    for i, q in enumerate(queries):
        key = group_key(q)
        if key is None:
            alone.append([i])
        else:
            found.setdefault(key, []).append(i)
    return [*found.values(), *alone]


def split(names: list[str], rows: list[tuple[Any, ...]], k: int, count: int) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The k-th metric's columns of a shared answer, named as a single metric's answer would be."""
    own = {suffixed(c, k): c for c in PER_METRIC}
    theirs = {suffixed(c, j) for j in range(count) if j != k for c in PER_METRIC}
    keep = [i for i, name in enumerate(names) if name not in theirs]
    return [own.get(names[i], names[i]) for i in keep], [tuple(row[i] for i in keep) for row in rows]
