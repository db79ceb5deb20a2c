"""Read and write OKR state: frozen baselines (first write wins) and the check-in history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from headway.store.okr_models import OkrBaseline, OkrCheckin
from headway.store.state import StateStore

MAX_CHECKINS = 2000


@dataclass(frozen=True)
class Frozen:
    metric_id: str
    period: dt.date
    value: float
    captured_at: dt.datetime


def frozen_baseline(store: StateStore, objective_id: str, item: str, quarter: str) -> Frozen | None:
    stmt = select(OkrBaseline).where(
        OkrBaseline.objective_id == objective_id, OkrBaseline.item == item, OkrBaseline.quarter == quarter
    )
    with store.session() as session:
        row = session.scalars(stmt).first()
        return Frozen(row.metric_id, row.period, row.value, row.captured_at) if row else None


def freeze_baseline(
    store: StateStore, objective_id: str, item: str, quarter: str, metric_id: str, period: dt.date, value: float
) -> Frozen:
    """Store the baseline unless one is already stored; either way return the stored one."""
    found = frozen_baseline(store, objective_id, item, quarter)
    if found is not None:
        return found
    record = OkrBaseline(
        objective_id=objective_id, item=item, quarter=quarter, metric_id=metric_id, period=period, value=value
    )
    try:
        with store.session() as session:
            session.add(record)
    except IntegrityError:  # another process froze it first: theirs stands
        pass
    stored = frozen_baseline(store, objective_id, item, quarter)
    assert stored is not None
    return stored


def add_checkin(
    store: StateStore,
    objective_id: str,
    kr_id: str,
    *,
    confidence: int,
    author: str,
    comment: str | None = None,
    blockers: str | None = None,
    value: float | None = None,
) -> OkrCheckin:
    record = OkrCheckin(
        objective_id=objective_id,
        kr_id=kr_id,
        confidence=confidence,
        author=author,
        comment=comment,
        blockers=blockers,
        value=value,
    )
    with store.session() as session:
        session.add(record)
        session.flush()
        session.refresh(record)
    return record


def list_checkins(store: StateStore, objective_ids: list[str]) -> list[OkrCheckin]:
    """The check-ins of these objectives, oldest first (the newest MAX_CHECKINS)."""
    stmt = (
        select(OkrCheckin)
        .where(OkrCheckin.objective_id.in_(objective_ids))
        .order_by(OkrCheckin.created_at.desc(), OkrCheckin.id.desc())
        .limit(MAX_CHECKINS)
    )
    with store.session() as session:
        return list(reversed(session.scalars(stmt).all()))
