"""POST/GET /api/v1/annotations: notes on the timeline, from annotations/*.yml and from the state database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BeforeValidator, ConfigDict
from starlette.exceptions import HTTPException

from headway.analysis.releases import release_notes
from headway.engine import QueryError
from headway.serve.errors import ERROR_RESPONSES
from headway.serve.state import ServerState, current_state
from headway.spec.annotations import Annotation, applies_to, iso_day, load_annotations
from headway.spec.issues import choices_hint
from headway.store import StateStore
from headway.store.annotations import add_annotation, as_annotation, list_annotations
from headway.store.models import AnnotationRecord

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERROR_RESPONSES)
State = Annotated[ServerState, Depends(current_state)]
MetricId = Annotated[str | None, Query(max_length=128, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


class AnnotationIn(Annotation):
    """An annotation as posted; `via` says whether a person used the UI or a script the API."""

    # built now, not on first use: FastAPI's request body cannot wrap a model whose build is deferred
    model_config = ConfigDict(defer_build=False)

    via: Literal["api", "ui"] = "api"


@dataclass(frozen=True)
class Note:
    note: Annotation
    id: int | str  # a database id, or "yaml:<file>:<line>"
    source: str  # yaml | api | ui
    created_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            **self.note.model_dump(mode="json"),
            "created_at": self.created_at,
        }

    def overlaps(self, start: dt.date | None, end: dt.date | None) -> bool:
        last = self.note.until or self.note.at
        return (start is None or last >= start) and (end is None or self.note.at <= end)


_yaml_cache: dict[tuple[str, str], list[Note]] = {}


@router.post("/annotations", status_code=201)
def create_annotation(body: AnnotationIn, state: State) -> dict[str, Any]:
    """Add a note (launch, release, campaign, incident, price change, comment) to the timeline."""
    known = state.workspace.metrics
    for metric_id in body.metrics:
        if metric_id not in known:
            raise QueryError(
                f"annotation names unknown metric '{metric_id}'",
                choices_hint(metric_id, known, "a metric id"),
                code="unknown_scope",
            )
    note = Annotation.model_validate(body.model_dump(exclude={"via"}))
    return _from_record(add_annotation(_store(state), note, body.via)).to_json()


@router.get("/annotations")
def get_annotations(
    state: State,
    metric: MetricId = None,
    start: Annotated[dt.date | None, BeforeValidator(iso_day), Query(alias="from")] = None,
    end: Annotated[dt.date | None, BeforeValidator(iso_day), Query(alias="to")] = None,
) -> dict[str, Any]:
    """Every annotation (YAML and stored), oldest first; `metric` keeps those whose scope covers it."""
    if metric is not None and metric not in state.workspace.metrics:
        hint = choices_hint(metric, state.workspace.metrics, "a metric id")
        raise QueryError(f"unknown metric '{metric}'", hint, code="unknown_metric")
    notes = [n for n in all_notes(state) if n.overlaps(start, end)]
    if metric is not None:
        notes = [n for n in notes if applies_to(n.note, state.workspace.metrics[metric])]
    return {"annotations": [n.to_json() for n in notes]}


def notes_for(state: ServerState, metric_id: str) -> list[dict[str, Any]]:
    """The annotations a metric's charts show."""
    metric = state.workspace.metrics[metric_id]
    return [n.to_json() for n in all_notes(state) if applies_to(n.note, metric)]


def all_notes(state: ServerState) -> list[Note]:
    stored = [_from_record(r) for r in list_annotations(_store(state))]
    releases = [Note(note, key, "delivery") for key, note in release_notes(state.engine)]
    return sorted(_yaml_notes(state) + stored + releases, key=lambda n: (n.note.at, str(n.id)))


def _yaml_notes(state: ServerState) -> list[Note]:
    ws = state.workspace
    key = (str(ws.root), ws.spec_hash)
    if key not in _yaml_cache:
        found, _ = load_annotations(ws.root, ws.metrics)  # problems were reported when the spec loaded
        _yaml_cache[key] = [Note(n, f"yaml:{file}:{line}", "yaml") for n, file, line in found]
    return _yaml_cache[key]


def _from_record(record: AnnotationRecord) -> Note:
    return Note(as_annotation(record), record.id, record.via, record.created_at.isoformat())


def _store(state: ServerState) -> StateStore:
    if state.recorder is None:
        raise HTTPException(503, "the state database is not open yet")
    return state.recorder.store
