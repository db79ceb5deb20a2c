"""Delivery health (DORA tiers per service, from `headway.analysis.tiers`) and the investment balance.

The balance is effort by work type in FTE-months (`investment_fte` by `type`, from
`include: [delivery]`); a workspace without it but with a `throughput` metric sliceable by
`type` shows finished work items by type instead, and says so. Without either, the section
says what is missing.
"""

from __future__ import annotations

from typing import Any

from headway.analysis.tiers import classify
from headway.engine import Actor, Engine, Query
from headway.engine.results import json_row
from headway.errors import HeadwayError
from headway.review.period import Quarter
from headway.spec.graph import available_dimensions
from headway.spec.models import Grain

EDITION = "2023"
BALANCES = (
    ("investment_fte", "FTE-months of effort by work type"),
    ("throughput", "{name} by type (no investment_fte metric in this workspace: effort is not measured)"),
)


def delivery_health(engine: Engine, quarter: Quarter, *, actor: Actor) -> dict[str, Any]:
    try:
        return {"status": "ok", **classify(engine, quarter.start, Grain.QUARTER, EDITION, True, actor=actor)}
    except HeadwayError as error:
        return {"status": "absent", "reason": error.code, "message": error.message, "hint": error.hint}


def investment_balance(engine: Engine, quarter: Quarter, *, actor: Actor) -> dict[str, Any]:
    metrics = engine.workspace.metrics
    chosen = next(
        ((m, label) for m, label in BALANCES if m in metrics and "type" in available_dimensions(metrics, m)), None
    )
    if chosen is None:
        return {
            "status": "absent",
            "reason": "no_metric",
            "message": "no investment_fte (or throughput by type) metric in this workspace",
            "hint": "Add `include: [delivery]` to headway.yml and import delivery history (headway ingest).",
        }
    metric_id, label = chosen
    label = label.format(name=metrics[metric_id].label)
    try:
        rows = engine.query(
            Query(metric_id, Grain.QUARTER, ("type",), quarter.start, quarter.last_day), actor=actor
        ).rows
    except HeadwayError as error:
        return {"status": "absent", "reason": error.code, "message": error.message, "hint": error.hint}
    found = [json_row(r) for r in rows if r["period"] == quarter.start and r["value"] is not None]
    total = sum(float(r["value"]) for r in found)
    shares = [
        {"type": str(r["type"]), "value": r["value"], "share": float(r["value"]) / total if total else None}
        for r in sorted(found, key=lambda r: -float(r["value"]))
    ]
    complete = all(r["complete"] for r in found) if found else None
    return {"status": "ok", "metric": metric_id, "label": label, "total": total, "complete": complete, "rows": shares}
