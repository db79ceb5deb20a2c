"""The pack's sections from the OKR and alignment-meeting work: each reads its analysis entry point as it is.

OKRs: `headway.analysis.okr.okr_report` for the quarter (scores, pace, guardrail flags, check-ins
with their confidence history). Initiatives: `headway.analysis.plans.report` (ranked by expected
KPI impact per effort, measured impact after launch). Priorities and action items:
`headway.analysis.meeting.meeting_report` and its `gather` (open items of this quarter and every
earlier one). Nothing is recomputed here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from headway.analysis import plans
from headway.analysis.meeting import gather, meeting_report, with_overdue
from headway.analysis.okr import okr_report
from headway.engine import Actor, Engine
from headway.review.period import Quarter
from headway.store import StateStore


def okr_section(
    engine: Engine, quarter: Quarter, *, actor: Actor, store: StateStore | None, today: dt.date
) -> dict[str, Any]:
    report = okr_report(engine, quarter.label, actor=actor, store=store, today=today)
    if not report["objectives"]:
        return {"status": "absent", "reason": "no_objectives",
                "message": f"no objective for {quarter.label} in objectives/*.yml"}  # fmt: skip
    for objective in report["objectives"]:
        for kr in objective["key_results"]:
            kr["confidence_trend"] = [c["confidence"] for c in kr["checkins"]["history"]]
    return {"status": "ok", "objectives": report["objectives"], "frozen": store is not None}


def initiatives_section(engine: Engine, *, actor: Actor, store: StateStore | None) -> dict[str, Any]:
    report = plans.report(engine, store, actor=actor)
    if not report["initiatives"]:
        return {
            "status": "absent",
            "reason": "no_initiatives",
            "message": "no initiative in initiatives/*.yml or the UI",
        }
    return {
        "status": "ok",
        "score": report["score"],
        "windows": report["windows"],
        "initiatives": report["initiatives"],
    }


def priorities_section(engine: Engine, quarter: Quarter, *, store: StateStore | None, today: dt.date) -> dict[str, Any]:
    report = meeting_report(engine.workspace, quarter.label, store=store, today=today)
    if not report["rankings"] and not report["decisions"] and not report["changes"]:
        return {"status": "absent", "reason": "no_meeting",
                "message": f"no stakeholder ranking, decision or change record for {quarter.label}"}  # fmt: skip
    keep = ("stakeholders", "agreement", "kpis", "pairs", "not_kpis", "kind_disputes", "superseded", "decisions",
            "changes")  # fmt: skip
    names = {m: engine.workspace.metrics[m].label for m in engine.workspace.metrics}
    return {"status": "ok", "names": {k["metric"]: names.get(k["metric"], k["metric"]) for k in report["kpis"]},
            **{k: report[k] for k in keep}}  # fmt: skip


def actions_section(engine: Engine, quarter: Quarter, *, store: StateStore | None, today: dt.date) -> dict[str, Any]:
    """Action items still open, recorded for this quarter or any earlier one, oldest due first."""
    found = with_overdue(gather(engine.workspace, store, None).actions, today)
    chosen = [a for a in found if a["status"] == "open" and a["period"] <= quarter.label]
    chosen.sort(key=lambda a: (a["due"], a["title"]))
    return {"status": "ok", "actions": chosen, "overdue": sum(a["overdue"] for a in chosen), "today": today.isoformat()}
