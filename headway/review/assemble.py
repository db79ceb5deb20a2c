"""The pack: every section in meeting order, each built alone so one failure leaves the rest standing.

A section is `{"id", "title", "status", ...}`; status `ok`, `absent` (the workspace has
nothing to show, and `message` says why), or `error` (it failed: the error's code and
message). Without a state database the pack holds only what the spec files and the data give
(no fired alerts, stored notes, check-ins or items added in the UI), and the guardrails section says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from headway.engine import Actor, Engine
from headway.errors import HeadwayError
from headway.review import alignment, delivery, guardrails, kpis, notes, series, tree
from headway.review.period import Quarter, parse_quarter
from headway.store import StateStore

SECTIONS: tuple[tuple[str, str], ...] = (
    ("kpis", "North star and KPIs"),
    ("okrs", "OKR scores and confidence"),
    ("tree", "Metric tree with evidence"),
    ("guardrails", "Guardrail breaches and alerts"),
    ("initiatives", "Initiatives: expected and measured impact"),
    ("delivery", "Delivery health"),
    ("investment", "Investment balance"),
    ("priorities", "Stakeholder priorities"),
    ("actions", "Open action items"),
    ("annotations", "Annotations of the quarter"),
)
Builder = Callable[["Context"], dict[str, Any]]


class Context:
    """What every section builder reads: the engine, the quarter, who asks, the state database."""

    def __init__(self, engine: Engine, quarter: Quarter, actor: Actor, store: StateStore | None, today: dt.date):
        self.engine, self.quarter, self.actor, self.store, self.today = engine, quarter, actor, store, today
        self.ws = engine.workspace
        self.kpi_ids = kpis.kpi_ids(self.ws)
        self._numbers: dict[str, series.Numbers] | None = None

    @property
    def numbers(self) -> dict[str, series.Numbers]:
        """KPIs and their counter-metrics, fetched once in two batched queries."""
        if self._numbers is None:
            wanted = list(dict.fromkeys(self.kpi_ids + [c for _, c in guardrails.pairs(self.ws, self.kpi_ids)]))
            self._numbers = series.fetch(self.engine, wanted, self.quarter, actor=self.actor)
        return self._numbers


def _kpis(ctx: Context) -> dict[str, Any]:
    cards = [kpis.kpi_card(ctx.ws, m, ctx.numbers[m], ctx.quarter) for m in ctx.kpi_ids]
    if not cards:
        return {"status": "absent", "reason": "no_kpi", "message": "the workspace declares no north star and no KPI"}
    return {"status": "ok", "metrics": cards}


def _guardrails(ctx: Context) -> dict[str, Any]:
    out: dict[str, Any] = {"status": "ok", "pairs": guardrails.breaches(ctx.ws, ctx.numbers, ctx.quarter, ctx.kpi_ids)}
    if ctx.store is None:
        out["alerts"], out["alerts_message"] = None, "the state database is not open: fired alerts are not listed"
    else:
        out["alerts"] = guardrails.fired_alerts(ctx.store, ctx.quarter)
    return out


def _annotations(ctx: Context) -> dict[str, Any]:
    return {"status": "ok", "notes": notes.quarter_notes(ctx.ws, ctx.store, ctx.quarter)}


BUILDERS: dict[str, Builder] = {
    "kpis": _kpis,
    "tree": lambda ctx: tree.tree_section(ctx.engine, actor=ctx.actor),
    "guardrails": _guardrails,
    "delivery": lambda ctx: delivery.delivery_health(ctx.engine, ctx.quarter, actor=ctx.actor),
    "investment": lambda ctx: delivery.investment_balance(ctx.engine, ctx.quarter, actor=ctx.actor),
    "annotations": _annotations,
    "okrs": lambda c: alignment.okr_section(c.engine, c.quarter, actor=c.actor, store=c.store, today=c.today),
    "initiatives": lambda c: alignment.initiatives_section(c.engine, actor=c.actor, store=c.store),
    "priorities": lambda c: alignment.priorities_section(c.engine, c.quarter, store=c.store, today=c.today),
    "actions": lambda c: alignment.actions_section(c.engine, c.quarter, store=c.store, today=c.today),
}


def review_pack(
    engine: Engine,
    period: str | Quarter,
    *,
    actor: Actor,
    store: StateStore | None = None,
    progress: Callable[[str], None] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The whole pack as JSON-ready data.

    `progress` is told each section's title before it is built; `now` (default: the clock) dates
    what is overdue or stale.
    """
    quarter = period if isinstance(period, Quarter) else parse_quarter(period)
    moment = now or dt.datetime.now(dt.UTC)
    today = moment.astimezone(ZoneInfo(engine.workspace.config.timezone)).date()
    ctx = Context(engine, quarter, actor, store, today)
    sections = []
    for section_id, title in SECTIONS:
        if progress is not None:
            progress(title)
        sections.append({"id": section_id, "title": title, **_build(section_id, ctx)})
    return {
        "workspace": ctx.ws.config.name,
        "period": quarter.label,
        "start": quarter.start.isoformat(),
        "last_day": quarter.last_day.isoformat(),
        "data_through": _data_through(ctx),
        "north_star": ctx.ws.config.north_star,
        "generated_at": moment.isoformat(timespec="seconds"),
        "sections": sections,
    }


def _build(section_id: str, ctx: Context) -> dict[str, Any]:
    try:
        return BUILDERS[section_id](ctx)
    except HeadwayError as error:
        return {"status": "error", "reason": error.code, "message": error.message, "hint": error.hint}


def _data_through(ctx: Context) -> str | None:
    days = []
    for metric_id in ctx.kpi_ids:
        try:
            day = ctx.engine.data_through(metric_id)
        except HeadwayError:
            continue
        if day is not None:
            days.append(day)
    return max(days).isoformat() if days else None
