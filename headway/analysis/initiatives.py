"""The roadmap filter: initiatives ranked by expected KPI impact per effort, and their measured impact after launch.

**Ranking.** For each KPI, every initiative's expected effect (the middle of its range, in absolute
value) is divided by the largest one any live initiative expects on that KPI, so each KPI counts
between 0 and 1 whatever its unit. An initiative's score is
`confidence × Σ normalised effects / effort` (per person-week). Metrics that are neither a KPI nor
linked to one by `contributes_to` do not count; an initiative left with none is flagged `moves_no_kpi`.

**Measured impact** (see `impact.py`): per expected metric, the first month and quarter after launch.
The initiative's verdict is the quarter's when it is complete, else the month's; while neither is
complete it is `too_early`, and the leading indicators are read over the days so far.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from headway.analysis.impact import MIN_DAYS, WINDOWS, Estimate, Series, estimate, verdict
from headway.engine import Actor, Engine, Failure, Query
from headway.spec.annotations import Annotation
from headway.spec.initiatives import TAG_PREFIX, Initiative, InitiativeStatus, reaches_kpi
from headway.spec.models import Grain

SCORE = "confidence × Σ over KPIs (expected effect ÷ the largest expected on that KPI) ÷ effort (person-weeks)"
LONGEST = max(days for _, days in WINDOWS)


@dataclass(frozen=True)
class Listed:
    """An initiative with where it comes from: `yaml:<file>:<line>`, or `api`/`ui` for stored ones."""

    item: Initiative
    source: str


def launches_from(notes: Iterable[Annotation]) -> dict[str, dt.date]:
    """Launch days named by annotations: a note tagged `initiative:<id>` dates that initiative (the earliest wins)."""
    found: dict[str, dt.date] = {}
    for note in notes:
        for tag in note.tags:
            if tag.startswith(TAG_PREFIX):
                key = tag.removeprefix(TAG_PREFIX)
                found[key] = min(found.get(key, note.at), note.at)
    return found


def launch_of(item: Initiative, launches: dict[str, dt.date]) -> tuple[dt.date | None, str | None]:
    if item.launched is not None:
        return item.launched, "spec"
    if item.id in launches:
        return launches[item.id], "annotation"
    return None, None


def counted(item: Initiative, engine: Engine) -> list[str]:
    """The expected metrics that are KPIs or lead to one."""
    return [e.metric for e in item.expects if reaches_kpi(engine.workspace.metrics, e.metric)]


def rank(items: list[Listed], engine: Engine) -> list[dict[str, Any]]:
    """Every initiative with its score (see the module docstring), best first; dropped ones last, unscored."""
    live = [x for x in items if x.item.status is not InitiativeStatus.DROPPED]
    largest: dict[str, float] = {}
    for x in live:
        for e in x.item.expects:
            largest[e.metric] = max(largest.get(e.metric, 0.0), abs(e.mid))
    out: list[dict[str, Any]] = []
    for x in items:
        kpis = counted(x.item, engine)
        parts = {
            e.metric: abs(e.mid) / largest[e.metric]
            for e in x.item.expects
            if e.metric in kpis and largest.get(e.metric)
        }
        dropped = x.item.status is InitiativeStatus.DROPPED
        score = None if dropped else x.item.confidence * sum(parts.values()) / x.item.effort
        out.append({"id": x.item.id, "score": score, "normalised": parts, "moves_no_kpi": not kpis, "dropped": dropped})
    out.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0.0), r["id"]))
    for position, row in enumerate(out, start=1):
        row["rank"] = position if row["score"] is not None else None
    return out


def segment_where(dimension: str, value: str, inside: bool) -> str:
    """`dim = 'value'` (or its negation) built as a SQLGlot expression, never pasted; the engine re-parses it."""
    table, _, name = dimension.rpartition(".")
    condition = exp.EQ(this=exp.column(name, table=table or None), expression=exp.Literal.string(value))
    return (condition if inside else exp.Not(this=exp.Paren(this=condition))).sql()


@dataclass(frozen=True)
class Ask:
    metric: str
    where: str | None
    start: dt.date
    end: dt.date


def _asks(item: Initiative, launch: dt.date, engine: Engine) -> list[Ask]:
    first, last = launch - dt.timedelta(days=LONGEST), launch + dt.timedelta(days=LONGEST - 1)
    wheres: list[str | None] = [None]
    if item.segment is not None:
        wheres = [segment_where(*item.segment, inside=False), segment_where(*item.segment, inside=True)]
    metrics = [e.metric for e in item.expects] + list(item.leading)
    return [Ask(m, w, first, last) for m in dict.fromkeys(metrics) for w in wheres]


def fetch(engine: Engine, asks: list[Ask], actor: Actor) -> dict[Ask, Series | str]:
    """Daily values for every ask, in one `Engine.query_many` call; a failed ask becomes its error code."""
    unique = list(dict.fromkeys(asks))
    queries = [Query(a.metric, Grain.DAY, (), a.start, a.end, a.where) for a in unique]
    out: dict[Ask, Series | str] = {}
    for ask, answer in zip(unique, engine.query_many(queries, actor=actor), strict=True):
        if isinstance(answer, Failure):
            out[ask] = answer.error.code
            continue
        out[ask] = {r["period"]: float(r["value"]) for r in answer.rows if r.get("value") is not None}
    return out


def _series(fetched: dict[Ask, Series | str], asks: list[Ask], metric: str) -> tuple[Series | str, Series | None]:
    mine = [a for a in asks if a.metric == metric]
    treated = fetched[mine[0]]
    control = fetched[mine[1]] if len(mine) > 1 else None
    if isinstance(control, str):
        return control, None
    return treated, control


def measure(
    item: Initiative, launch: dt.date, engine: Engine, actor: Actor, fetched: dict[Ask, Series | str]
) -> dict[str, Any]:
    """Each expected metric's change per window with a verdict, the leading indicators, and the initiative's verdict."""
    asks = _asks(item, launch, engine)
    kpis = []
    for e in item.expects:
        through = _through(engine, e.metric)
        treated, control = _series(fetched, asks, e.metric)
        windows = []
        for name, days in WINDOWS:
            end = launch + dt.timedelta(days=days - 1)
            row: dict[str, Any] = {"window": name, "days": days, "from": launch.isoformat(), "to": end.isoformat()}
            if isinstance(treated, str):
                windows.append({**row, "complete": False, "verdict": "no_data", "reason": treated})
                continue
            complete = through is not None and through >= end
            found = estimate(treated, control, launch, days, through) if complete and through else None
            row.update(complete=complete, verdict=verdict(found, e) if complete else "too_early")
            windows.append({**row, **(found.to_json() if found else {})})
        kpis.append(
            {
                "metric": e.metric,
                "expected": e.model_dump(mode="json"),
                "data_through": _iso(through),
                "windows": windows,
            }
        )
    outcome = _overall(kpis)
    leading = _leading(item, launch, engine, asks, fetched) if outcome == "too_early" else []
    method = "before/after" if item.segment is None else "difference-in-differences"
    return {"launched": launch.isoformat(), "method": method, "control": item.control, "kpis": kpis,
            "leading": leading, "verdict": outcome, "reading": _reading(item, kpis, leading, outcome)}  # fmt: skip


def _through(engine: Engine, metric_id: str) -> dt.date | None:
    """The metric's last complete day; None for a metric the spec no longer has (a stored initiative may name one)."""
    return engine.data_through(metric_id) if metric_id in engine.workspace.metrics else None


def _overall(kpis: list[dict[str, Any]]) -> str:
    """The initiative's verdict: each KPI's latest complete window; the goal is met only when every KPI's is."""
    if not kpis:
        return "no_data"
    latest = []
    for k in kpis:
        done = [w for w in k["windows"] if w["complete"]]
        unreadable = all(w["verdict"] == "no_data" for w in k["windows"])
        latest.append(done[-1]["verdict"] if done else "no_data" if unreadable else "too_early")
    if "too_early" in latest:
        return "too_early"
    for word in ("goal_met", "short_of_goal", "no_detectable_change", "wrong_way", "no_data"):
        if all(v == word for v in latest):
            return word
    return "mixed"


def _leading(
    item: Initiative, launch: dt.date, engine: Engine, asks: list[Ask], fetched: dict[Ask, Series | str]
) -> list[dict[str, Any]]:
    out = []
    for metric in item.leading:
        through = _through(engine, metric)
        days = (through - launch).days + 1 if through else 0
        row: dict[str, Any] = {"metric": metric, "days": max(days, 0)}
        treated, control = _series(fetched, asks, metric)
        found: Estimate | None = None
        if not isinstance(treated, str) and through is not None and days >= MIN_DAYS:
            found = estimate(treated, control, launch, min(days, LONGEST), through)
        row.update(found.to_json() if found else {"reason": treated if isinstance(treated, str) else "too_few_days"})
        out.append(row)
    return out


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.1%}"


def _reading(item: Initiative, kpis: list[dict[str, Any]], leading: list[dict[str, Any]], outcome: str) -> str:
    if outcome != "too_early":
        return {
            "goal_met": "goal met: every expected KPI moved at least the low end of its expected range",
            "short_of_goal": "moved, but short of the goal (the low end of the expected range)",
            "no_detectable_change": "no detectable change: the interval covers zero",
            "wrong_way": "moved the wrong way",
            "mixed": "mixed: the expected KPIs disagree (see each)",
        }.get(outcome, "no data to read")
    pending = [w for k in kpis for w in k["windows"] if not w["complete"]]
    text = (
        f"too early to read: the first month after launch ends {pending[0]['to']}" if pending else "too early to read"
    )
    moved = [_moved(r) for r in leading if "change" in r]
    return "; ".join([text, *moved])


def _moved(row: dict[str, Any]) -> str:
    interval = f"{_pct(row.get('ci_low_pct'))}..{_pct(row.get('ci_high_pct'))}"
    change = _pct(row.get("change_pct"))
    return f"leading indicator {row['metric']} moved {change} ({interval}) over {row['days_after']} days"


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def initiatives_report(
    engine: Engine, items: list[Listed], launches: dict[str, dt.date], *, actor: Actor
) -> dict[str, Any]:
    """Every initiative, ranked, with its measured impact once launched: what the page, CLI and pack read."""
    ranked = {r["id"]: r for r in rank(items, engine)}
    dated = {x.item.id: launch_of(x.item, launches) for x in items}
    asks = [a for x in items if (d := dated[x.item.id][0]) and x.item.status is not InitiativeStatus.DROPPED
            for a in _asks(x.item, d, engine)]  # fmt: skip
    fetched = fetch(engine, asks, actor) if asks else {}
    out = []
    for x in items:
        launch, launch_from = dated[x.item.id]
        measured = None
        if launch is not None and x.item.status is not InitiativeStatus.DROPPED:
            measured = measure(x.item, launch, engine, actor, fetched)
        row = {**x.item.model_dump(mode="json"), "source": x.source, **ranked[x.item.id]}
        row.update(launch=_iso(launch), launch_from=launch_from, measured=measured, flags=_flags(x.item, row, measured))
        out.append(row)
    out.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["id"]))
    return {
        "workspace": engine.workspace.config.name,
        "score": SCORE,
        "windows": dict(WINDOWS),
        "initiatives": out,
    }


def _flags(item: Initiative, row: dict[str, Any], measured: dict[str, Any] | None) -> list[str]:
    flags = []
    if row["moves_no_kpi"]:
        flags.append("moves no KPI: none of its expected metrics is a KPI or leads to one")
    if item.status is InitiativeStatus.DONE and (measured is None or measured["verdict"] != "goal_met"):
        flags.append(
            "marked done, but the goal is not met (yet): " + (measured["reading"] if measured else "no launch day")
        )
    if item.status in (InitiativeStatus.LAUNCHED, InitiativeStatus.DONE) and measured is None:
        flags.append("launched without a launch day: add `launched:` or an annotation tagged initiative:" + item.id)
    return flags
