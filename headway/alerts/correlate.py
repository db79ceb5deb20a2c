"""Correlation through the metric tree: a KPI and the metrics that feed it, firing together.

When a KPI and some of its drivers (metrics declaring `contributes_to` it, directly or through
other drivers) fire in the same run, one incident is sent for the KPI naming the drivers, and
the drivers' own incidents are filed under it instead of paging separately.
"""

from __future__ import annotations

from collections.abc import Mapping

from headway.alerts.message import Driver
from headway.spec.models import Metric, Sign


def drivers_of(metrics: Mapping[str, Metric], kpi: str) -> dict[str, Sign]:
    """Every metric that feeds `kpi`, with the sign of its path's effect (products of signs)."""
    found: dict[str, Sign] = {}
    frontier: list[tuple[str, Sign]] = [(kpi, Sign.POSITIVE)]
    while frontier:
        target, sign = frontier.pop()
        for metric in metrics.values():
            for link in metric.contributes_to:
                if link.metric == target and metric.id not in found and metric.id != kpi:
                    path = Sign.POSITIVE if (link.sign is Sign.POSITIVE) == (sign is Sign.POSITIVE) else Sign.NEGATIVE
                    found[metric.id] = path
                    frontier.append((metric.id, path))
    return found


def suspected(
    metrics: Mapping[str, Metric], kpi: str, kpi_direction: str | None, firing: Mapping[str, str | None]
) -> list[Driver]:
    """The KPI's drivers among `firing` (metric id -> direction), each graded by its direction.

    `consistent`: its move, through the declared sign, explains the KPI's move
    (a positive driver that fell while the KPI fell); `inconsistent` otherwise.
    """
    out = []
    for metric_id, sign in sorted(drivers_of(metrics, kpi).items()):
        if metric_id not in firing:
            continue
        direction = firing[metric_id]
        agrees = (direction == kpi_direction) == (sign is Sign.POSITIVE)
        grade = "consistent" if direction and kpi_direction and agrees else "inconsistent"
        out.append(Driver(metric_id, direction, sign.value, grade))
    return out
