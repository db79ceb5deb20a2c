"""Annotations created at runtime (UI, API), kept in the state database."""

from __future__ import annotations

from sqlalchemy import select

from headway.spec.annotations import Annotation
from headway.store.models import AnnotationRecord
from headway.store.state import StateStore

MAX_LISTED = 5000


def add_annotation(store: StateStore, note: Annotation, via: str) -> AnnotationRecord:
    record = AnnotationRecord(
        kind=note.kind.value,
        title=note.title,
        at=note.at,
        until=note.until,
        metrics=list(note.metrics),
        tags=list(note.tags),
        author=note.author,
        link=note.link,
        description=note.description,
        via=via,
    )
    with store.session() as session:
        session.add(record)
        session.flush()
        session.refresh(record)
    return record


def list_annotations(store: StateStore, limit: int = MAX_LISTED) -> list[AnnotationRecord]:
    """The newest `limit` annotations by day, oldest first."""
    stmt = select(AnnotationRecord).order_by(AnnotationRecord.at.desc(), AnnotationRecord.id.desc()).limit(limit)
    with store.session() as session:
        return list(reversed(session.scalars(stmt).all()))


def as_annotation(record: AnnotationRecord) -> Annotation:
    return Annotation.model_validate(
        {
            "title": record.title,
            "kind": record.kind,
            "at": record.at,
            "until": record.until,
            "metrics": record.metrics,
            "tags": record.tags,
            "author": record.author,
            "link": record.link,
            "description": record.description,
        }
    )
