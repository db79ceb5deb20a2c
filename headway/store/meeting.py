"""Reading and writing the meeting tables: rankings, decisions, action items, change records, initiatives."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from sqlalchemy import select

from headway.spec.initiatives import Initiative
from headway.spec.meetings import ActionItem, ActionStatus, ChangeRecord, Decision, Ranking
from headway.store.meeting_models import ActionRecord, ChangeRecordRow, DecisionRecord, InitiativeRecord, RankingRecord
from headway.store.models import Base
from headway.store.state import StateStore

MAX_LISTED = 5000
R = TypeVar("R", bound=Base)


def _add(store: StateStore, record: R) -> R:
    with store.session() as session:
        session.add(record)
        session.flush()
        session.refresh(record)
    return record


def _listed(store: StateStore, model: type[R], period: str | None) -> list[R]:
    stmt = select(model).order_by(model.id).limit(MAX_LISTED)  # type: ignore[attr-defined]
    if period is not None:
        stmt = stmt.where(model.period == period)  # type: ignore[attr-defined]
    with store.session() as session:
        return list(session.scalars(stmt).all())


def add_ranking(store: StateStore, period: str, item: Ranking, via: str) -> RankingRecord:
    return _add(store, RankingRecord(period=period, stakeholder=item.stakeholder, person=item.person,
                                     kpis=list(item.kpis), via=via))  # fmt: skip


def add_decision(store: StateStore, period: str, item: Decision, via: str) -> DecisionRecord:
    fields = item.model_dump(mode="python")
    return _add(store, DecisionRecord(period=period, via=via, **fields))


def add_action(store: StateStore, period: str, item: ActionItem, via: str) -> ActionRecord:
    fields = item.model_dump(mode="python")
    fields["status"] = item.status.value
    return _add(store, ActionRecord(period=period, via=via, **fields))


def add_change(store: StateStore, period: str, item: ChangeRecord, via: str) -> ChangeRecordRow:
    fields = item.model_dump(mode="python")
    fields["kind"] = item.kind.value
    return _add(store, ChangeRecordRow(period=period, via=via, **fields))


def rankings(store: StateStore, period: str | None = None) -> list[RankingRecord]:
    return _listed(store, RankingRecord, period)


def decisions(store: StateStore, period: str | None = None) -> list[DecisionRecord]:
    return _listed(store, DecisionRecord, period)


def actions(store: StateStore, period: str | None = None) -> list[ActionRecord]:
    return _listed(store, ActionRecord, period)


def changes(store: StateStore, period: str | None = None) -> list[ChangeRecordRow]:
    return _listed(store, ChangeRecordRow, period)


def set_action_status(store: StateStore, action_id: int, status: ActionStatus, today: dt.date) -> ActionRecord | None:
    """Move an action item to `status`; done stamps `done_on`, reopening clears it. None if there is no such item."""
    with store.session() as session:
        record = session.get(ActionRecord, action_id)
        if record is None:
            return None
        record.status = status.value
        record.done_on = today if status is ActionStatus.DONE else None
        session.flush()
        session.refresh(record)
    return record


def add_initiative(store: StateStore, item: Initiative, via: str) -> InitiativeRecord:
    return _add(store, InitiativeRecord(id=item.id, spec=item.model_dump(mode="json"), via=via))


def initiative_records(store: StateStore) -> list[InitiativeRecord]:
    with store.session() as session:
        return list(session.scalars(select(InitiativeRecord).order_by(InitiativeRecord.created_at).limit(MAX_LISTED)))


def record_json(record: Base) -> dict[str, Any]:
    """A stored row as JSON-ready values (dates as ISO text)."""
    out: dict[str, Any] = {}
    for column in record.__table__.columns:  # type: ignore[attr-defined]
        value = getattr(record, column.key)
        out[column.key] = value.isoformat() if isinstance(value, dt.date) else value
    return out
