"""Where initiatives and launch days come from, for every surface: YAML first, then the state database.

The server, the CLI and the review pack all call these, so an initiative created in the UI and one
written in `initiatives/*.yml` are listed and measured the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from headway.analysis.initiatives import Listed, initiatives_report, launches_from
from headway.analysis.meeting import today as today
from headway.engine import Actor, Engine
from headway.spec.annotations import load_annotations
from headway.spec.initiatives import Initiative, load_initiatives
from headway.spec.workspace import Workspace
from headway.store.annotations import as_annotation, list_annotations
from headway.store.meeting import initiative_records
from headway.store.state import StateStore


def listed_initiatives(ws: Workspace, store: StateStore | None) -> list[Listed]:
    found = [Listed(item, f"yaml:{file}:{line}") for item, file, line in load_initiatives(ws.root, ws.metrics)[0]]
    if store is not None:
        found += [Listed(Initiative.model_validate(r.spec), r.via) for r in initiative_records(store)]
    return found


def launch_days(ws: Workspace, store: StateStore | None) -> dict[str, dt.date]:
    """Launch days named by annotations (YAML and stored) tagged `initiative:<id>`."""
    notes = [note for note, _, _ in load_annotations(ws.root, ws.metrics)[0]]
    if store is not None:
        notes += [as_annotation(r) for r in list_annotations(store)]
    return launches_from(notes)


def report(engine: Engine, store: StateStore | None, *, actor: Actor) -> dict[str, Any]:
    """`initiatives_report` over every initiative of the workspace: the JSON twin of /initiatives."""
    ws = engine.workspace
    return initiatives_report(engine, listed_initiatives(ws, store), launch_days(ws, store), actor=actor)
