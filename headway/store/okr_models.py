"""OKR state: baselines frozen at the start of a quarter, and the check-ins people write.

A baseline is written once per (objective, key result or guardrail) and never updated, so a
dataset revised later cannot move the bar a quarter is scored against. Check-ins are only
ever added: the history is the record.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Double, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from headway.store.models import Base, BigId, UtcDateTime, utc_now


class OkrBaseline(Base):
    """The value a key result (or guardrail) started the quarter from, captured once."""

    __tablename__ = "okr_baselines"
    __table_args__ = (UniqueConstraint("objective_id", "item", "quarter"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    objective_id: Mapped[str] = mapped_column(String(128))
    item: Mapped[str] = mapped_column(String(200))  # "kr:<id>" or "guardrail:<metric>"
    quarter: Mapped[str] = mapped_column(String(8))
    metric_id: Mapped[str] = mapped_column(String(128))
    period: Mapped[date] = mapped_column(Date)  # the metric's period the value belongs to
    value: Mapped[float] = mapped_column(Double)
    captured_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class OkrCheckin(Base):
    """One check-in on a key result: a comment on its value, confidence 1-10, blockers, who and when."""

    __tablename__ = "okr_checkins"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    objective_id: Mapped[str] = mapped_column(String(128), index=True)
    kr_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    value: Mapped[float | None] = mapped_column(Double)
    comment: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[int] = mapped_column(Integer)
    blockers: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
