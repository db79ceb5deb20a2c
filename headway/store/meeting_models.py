"""Tables for the alignment meeting and initiatives created at runtime (UI or API).

YAML (`initiatives/*.yml`, `meetings/*.yml`) is never copied here: it stays the source of truth for
what was reviewed in git, and these tables hold only what people added in the UI or through the API.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from headway.store.models import Base, BigId, Json, UtcDateTime, utc_now


class InitiativeRecord(Base):
    """An initiative created in the UI or through the API: its spec as JSON, validated on the way in."""

    __tablename__ = "initiatives"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    spec: Mapped[dict[str, Any]] = mapped_column(Json)
    via: Mapped[str] = mapped_column(String(16))


class RankingRecord(Base):
    """One stakeholder's KPI order for a quarter; a later row for the same pair supersedes it."""

    __tablename__ = "meeting_rankings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)
    period: Mapped[str] = mapped_column(String(8), index=True)
    stakeholder: Mapped[str] = mapped_column(String(200))
    person: Mapped[str | None] = mapped_column(String(200))
    kpis: Mapped[list[str]] = mapped_column(Json)
    via: Mapped[str] = mapped_column(String(16))


class DecisionRecord(Base):
    __tablename__ = "meeting_decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    period: Mapped[str] = mapped_column(String(8), index=True)
    title: Mapped[str] = mapped_column(String(200))
    decided_by: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)
    metrics: Mapped[list[str]] = mapped_column(Json)
    objectives: Mapped[list[str]] = mapped_column(Json)
    rationale: Mapped[str | None] = mapped_column(Text)
    via: Mapped[str] = mapped_column(String(16))


class ActionRecord(Base):
    """An action item, tracked to done: `done_on` is set when its status becomes done."""

    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    period: Mapped[str] = mapped_column(String(8), index=True)
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(200))
    due: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16))
    metrics: Mapped[list[str]] = mapped_column(Json)
    objectives: Mapped[list[str]] = mapped_column(Json)
    done_on: Mapped[date | None] = mapped_column(Date)
    via: Mapped[str] = mapped_column(String(16))


class ChangeRecordRow(Base):
    """Who changed what about the quarter's priorities or metrics, when, and why."""

    __tablename__ = "change_records"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)
    period: Mapped[str] = mapped_column(String(8), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    who: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    metrics: Mapped[list[str]] = mapped_column(Json)
    detail: Mapped[str | None] = mapped_column(Text)
    via: Mapped[str] = mapped_column(String(16))
