"""The band variant an incident opened on, kept in its `opened` event so later messages can name it.

The incident row has no column for it (no migration for one string); the `opened` event's JSON
detail already holds the point that fired, and now its variant too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from headway.analysis.alerts.evaluate import Point
from headway.analysis.alerts.series import RuleRun
from headway.analysis.alerts.variant import with_variant
from headway.store.alert_models import AlertEvent


def opened_detail(run: RuleRun, start: Point) -> dict[str, Any]:
    return with_variant(start.to_json(), run.variant(start))


def opened_variant(s: Session, incident_id: int) -> str | None:
    stmt = select(AlertEvent.detail).where(AlertEvent.incident_id == incident_id, AlertEvent.kind == "opened")
    detail = s.scalars(stmt).first()
    return (detail or {}).get("variant")
