"""metrics/*.yml: what is measured, how, and how it connects to other metrics."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from headway.spec.sources import Lineage
from headway.spec.vocabulary import (
    Agg,
    Direction,
    Duration,
    Grain,
    Ident,
    Indicator,
    Kind,
    Model,
    Sensitivity,
    Sign,
    Status,
)


class Measure(Model):
    agg: Agg
    expr: str | None = None
    p: Annotated[float, Field(gt=0, lt=1)] | None = None


class Ratio(Model):
    numerator: Ident
    denominator: Ident


class Target(Model):
    value: float
    by: dt.date | None = None
    since: dt.date | None = None
    tolerance: Annotated[float, Field(ge=0)] | None = None


class Contribution(Model):
    metric: Ident
    sign: Sign = Sign.POSITIVE
    lag: Duration | None = None
    note: str | None = None


def _contribution(value: Any) -> Any:
    return {"metric": value} if isinstance(value, str) else value


class Snapshot(Model):
    """Semi-additive: the value at the end of each period, not a sum across it."""

    valid_to: str | None = None


class Cumulative(Model):
    reset: Grain | None = None


def _cumulative(value: Any) -> Any:
    if value is True:
        return {}
    return value


class Metric(Model):
    id: Ident
    name: str | None = None
    kind: Kind
    description: str | None = None
    owner: str | None = None
    steward: str | None = None
    teams: list[str] = Field(default_factory=list)
    direction: Direction | None = None
    unit: str | None = None
    source: Ident | None = None
    measure: Measure | None = None
    time: str | None = None
    filter: str | None = None
    dimensions: list[str] = Field(default_factory=list)
    ratio: Ratio | None = None
    formula: str | None = None
    window: Duration | None = None
    cumulative: Annotated[Cumulative, BeforeValidator(_cumulative)] | None = None
    snapshot: Snapshot | None = None
    grain: Grain | None = None
    indicator: Indicator | None = None
    target: Target | None = None
    status: Status = Status.ACTIVE
    replaced_by: Ident | None = None
    sensitivity: Sensitivity = Sensitivity.INTERNAL
    min_sample: Annotated[int, Field(ge=0)] | None = None
    lineage: Lineage | None = None
    contributes_to: list[Annotated[Contribution, BeforeValidator(_contribution)]] = Field(default_factory=list)
    counter_metrics: list[Ident] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    alerts: list[dict[str, Any]] = Field(default_factory=list)  # inline alert rules, checked in spec/alerts.py

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def is_derived(self) -> bool:
        return self.ratio is not None or self.formula is not None


class MetricsFile(Model):
    metrics: list[Metric] = Field(default_factory=list)
