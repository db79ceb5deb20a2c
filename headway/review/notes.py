"""Annotations of the quarter: the spec's `annotations/*.yml` and those added through the API or the UI."""

from __future__ import annotations

from typing import Any

from headway.review.period import Quarter
from headway.spec.annotations import Annotation, load_annotations
from headway.spec.workspace import Workspace
from headway.store import StateStore
from headway.store.annotations import as_annotation, list_annotations


def quarter_notes(ws: Workspace, store: StateStore | None, quarter: Quarter) -> list[dict[str, Any]]:
    """Every note whose span touches the quarter, oldest first, with where it was written."""
    found, _ = load_annotations(ws.root, ws.metrics)  # problems were reported when the spec loaded
    notes: list[tuple[Annotation, str]] = [(n, f"{file}:{line}") for n, file, line in found]
    if store is not None:
        notes += [(as_annotation(r), r.via) for r in list_annotations(store)]
    inside = [(n, src) for n, src in notes if n.at <= quarter.last_day and (n.until or n.at) >= quarter.start]
    return [
        {**n.model_dump(mode="json"), "source": src} for n, src in sorted(inside, key=lambda p: (p[0].at, p[0].title))
    ]
