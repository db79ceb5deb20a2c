"""Alert lifecycle tables: one row per watched series, one per incident, and the full history.

A series is keyed by a stable dedupe key (rule id + metric + slice), so re-running a rule
never opens a second incident for the same problem. States: normal → pending → firing →
acknowledged → resolved; `no_data` and `evaluation_error` are outcomes of their own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Double, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from headway.store.models import Base, BigId, Json, UtcDateTime, utc_now


class AlertSeries(Base):
    """The current state of one rule on one series."""

    __tablename__ = "alert_series"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(200), index=True)
    metric_id: Mapped[str] = mapped_column(String(200))
    series: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)  # the slice, e.g. {"plan": "pro"}
    state: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(32))  # ok | no_data | evaluation_error
    since: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    evaluated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    period: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text)


class AlertIncident(Base):
    """One firing episode of a series, from the first firing point until it resolves."""

    __tablename__ = "alert_incidents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    rule_id: Mapped[str] = mapped_column(String(200))
    metric_id: Mapped[str] = mapped_column(String(200), index=True)
    series: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    state: Mapped[str] = mapped_column(String(32), index=True)  # firing | acknowledged | resolved
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    period: Mapped[str] = mapped_column(String(32))
    value: Mapped[float | None] = mapped_column(Double)
    expected: Mapped[float | None] = mapped_column(Double)
    low: Mapped[float | None] = mapped_column(Double)
    high: Mapped[float | None] = mapped_column(Double)
    direction: Mapped[str | None] = mapped_column(String(8))
    level: Mapped[int] = mapped_column(Integer, default=-1)  # escalation level reached; -1: nobody told yet
    notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("alert_incidents.id"))  # grouped under a KPI's incident
    drivers: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)


class AlertEvent(Base):
    """Everything that happened to an alert, in order: the history no one can lose."""

    __tablename__ = "alert_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)
    key: Mapped[str | None] = mapped_column(String(64), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("alert_incidents.id"))
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)


class AlertChannelStatus(Base):
    """A channel that answered 404/410 stays disabled until its owner fixes it."""

    __tablename__ = "alert_channels"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
