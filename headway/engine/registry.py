"""Engines register here, built-ins the same way as any other, each declaring what it can compute.

A metric an engine cannot compute is refused at plan time, naming the metric, the
engine and an engine that can (Ibis's UNSUPPORTED_OPS, MetricFlow's
unsupported_granularities), instead of failing inside the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from headway.engine.dialects import DUCKDB, SPARK, Dialect
from headway.engine.query import QueryError
from headway.spec.models import Agg
from headway.spec.workspace import Workspace

ALL_AGGS = frozenset(Agg)
ALL_MODES = frozenset({"plain", "window", "cumulative", "snapshot_last", "snapshot_interval"})


@dataclass(frozen=True)
class EngineSpec:
    name: str
    dialect: Dialect
    make: Callable[[Workspace, Any], Any]  # (workspace, shared session or None) -> backend
    aggs: frozenset[Agg] = ALL_AGGS
    modes: frozenset[str] = ALL_MODES
    notes: dict[str, str] = field(default_factory=dict)

    def refuse_unsupported(self, metric_id: str, agg: Agg, mode: str) -> None:
        missing = (
            f"the {agg.value} aggregate"
            if agg not in self.aggs
            else f"{mode} metrics"
            if mode not in self.modes
            else ""
        )
        if not missing:
            return
        others = [e.name for e in ENGINES.values() if e.name != self.name and agg in e.aggs and mode in e.modes]
        hint = f"Run it on {' or '.join(others)} (--engine {others[0]})." if others else "No registered engine can."
        raise QueryError(
            f"metric '{metric_id}' needs {missing}, which the {self.name} engine cannot compute",
            hint,
            code="unsupported",
        )


ENGINES: dict[str, EngineSpec] = {}


def register(spec: EngineSpec) -> EngineSpec:
    ENGINES[spec.name] = spec
    return spec


def engine_spec(name: str) -> EngineSpec:
    spec = ENGINES.get(name)
    if spec is None:
        raise QueryError(f"unknown engine '{name}'", f"Use one of: {', '.join(sorted(ENGINES))}.", code="bad_query")
    return spec


def _duckdb(ws: Workspace, _: Any) -> Any:
    from headway.engine.backends.duckdb import DuckDBBackend

    return DuckDBBackend(ws.config.duckdb)


def _spark(ws: Workspace, session: Any) -> Any:
    from headway.engine.backends.spark import SparkBackend

    return SparkBackend(ws.config.spark, session=session)


register(EngineSpec("duckdb", DUCKDB, _duckdb))
register(EngineSpec("spark", SPARK, _spark))
