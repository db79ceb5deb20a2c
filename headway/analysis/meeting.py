"""One quarter's alignment meeting as JSON: priorities and where they diverge, decisions, action items, changes.

`meetings/*.yml` and the state database are merged: YAML items carry the id `yaml:<file>:<line>`, stored
ones their database id. A stakeholder's latest ranking for the quarter counts (stored ones are newer
than the YAML); the earlier ones are listed as superseded. An open action item past its due day is
overdue. No engine query is needed: this is the record of what people decided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from headway.analysis.agreement import kendalls_w, pairs, per_kpi
from headway.spec.meetings import ActionStatus, ChangeKind, load_meetings, quarter_bounds
from headway.spec.models import Kind
from headway.spec.workspace import Workspace
from headway.store import meeting as stored
from headway.store.models import Base
from headway.store.state import StateStore

Reader = Callable[[StateStore, str | None], Sequence[Base]]
KINDS = ("rankings", "decisions", "actions", "changes")


@dataclass(frozen=True)
class Entries:
    """Each kind of meeting item as JSON rows, oldest first, YAML before stored."""

    rankings: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    changes: list[dict[str, Any]]


def gather(ws: Workspace, store: StateStore | None, period: str | None, kinds: Sequence[str] = KINDS) -> Entries:
    """Every item of `period` (or of every quarter), from YAML and from the state database; only `kinds` are
    read (the others stay empty)."""
    out: dict[str, list[dict[str, Any]]] = {key: [] for key in KINDS}
    for meeting, file, _, lines in load_meetings(ws.root, ws.metrics)[0]:
        if period is not None and meeting.period != period:
            continue
        for key in kinds:
            for item, line in zip(getattr(meeting, key), lines[key], strict=True):
                row = {"id": f"yaml:{file}:{line}", "period": meeting.period, "source": "yaml"}
                out[key].append({**row, **item.model_dump(mode="json")})
    if store is not None:
        readers: dict[str, Reader] = {
            "rankings": stored.rankings,
            "decisions": stored.decisions,
            "actions": stored.actions,
            "changes": stored.changes,
        }
        for key in kinds:
            for record in readers[key](store, period):
                row = stored.record_json(record)
                row["source"] = row.pop("via")
                out[key].append(row)
    return Entries(**out)


def with_overdue(actions: list[dict[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    return [{**a, "overdue": a["status"] == ActionStatus.OPEN.value and a["due"] < today.isoformat()} for a in actions]


def meeting_report(ws: Workspace, period: str, *, store: StateStore | None, today: dt.date) -> dict[str, Any]:
    """The quarter's meeting: what the page, the CLI and the review pack read."""
    start, end = quarter_bounds(period)
    found = gather(ws, store, period)
    latest: dict[str, dict[str, Any]] = {}
    for row in found.rankings:  # oldest first, so the newest per stakeholder stays
        latest[row["stakeholder"]] = row
    orders = {who: row["kpis"] for who, row in latest.items()}
    superseded = [r for r in found.rankings if latest[r["stakeholder"]] is not r]
    actions = with_overdue(found.actions, today)
    kinds = {m: ws.metrics[m].kind.value for order in orders.values() for m in order if m in ws.metrics}
    not_kpis = sorted(m for m, kind in kinds.items() if kind != Kind.KPI.value)
    return {
        "workspace": ws.config.name,
        "period": period,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "today": today.isoformat(),
        "stakeholders": [
            {"stakeholder": w, **{k: r[k] for k in ("person", "id", "source")}} for w, r in latest.items()
        ],
        "agreement": kendalls_w(orders),
        "kpis": [{**row, "kind": kinds.get(row["metric"])} for row in per_kpi(orders)],
        "pairs": pairs(orders),
        "not_kpis": not_kpis,
        "kind_disputes": kind_disputes(ws, store, period, not_kpis),
        "rankings": list(latest.values()),
        "superseded": superseded,
        "decisions": found.decisions,
        "actions": actions,
        "open_actions": sum(a["status"] == ActionStatus.OPEN.value for a in actions),
        "overdue_actions": sum(a["overdue"] for a in actions),
        "changes": found.changes,
    }


def kind_disputes(
    ws: Workspace, store: StateStore | None, period: str, metrics: list[str]
) -> dict[str, dict[str, Any] | None]:
    """For each ranked metric that is not a KPI, the latest `kind_dispute` record naming it (this quarter or
    an earlier one), or None: ranking a delivery metric as a priority is the disagreement the record is for."""
    if not metrics:
        return {}
    found: dict[str, dict[str, Any] | None] = dict.fromkeys(metrics)
    for change in gather(ws, store, None, ("changes",)).changes:  # oldest first (YAML, then stored): the latest stays
        if change["kind"] == ChangeKind.KIND_DISPUTE.value and change["period"] <= period:
            for metric in change["metrics"]:
                if metric in found:
                    found[metric] = {k: change[k] for k in ("id", "period", "day", "who", "reason")}
    return found


def today(ws: Workspace) -> dt.date:
    """Today on the workspace's wall clock: what `overdue` is judged against."""
    return dt.datetime.now(ZoneInfo(ws.config.timezone)).date()


def quarter_of(day: dt.date) -> str:
    return f"{day.year:04d}Q{(day.month - 1) // 3 + 1}"
