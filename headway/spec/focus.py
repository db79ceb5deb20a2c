"""Focus rules: warnings (never errors) against goal-setting habits that dilute or game a scorecard.

How the spec marks what the rules read:
- **north star**: `north_star:` in headway.yml is the workspace's; a metric tagged `north_star` is
  the north star of each team in its `teams:`. A *scope* is one team (a name in `teams:`), or the
  workspace for metrics that name no team.
- **KPI**: `kind: kpi`. **vanity**: a metric tagged `vanity`, or a running total of a count or sum
  (`cumulative:` with `count`, `count_distinct` or `sum`): it only ever goes up.
- **output count**: a metric tagged `output`, or a `kind: delivery` count or sum (deployments,
  tickets closed, story points): easy to raise without changing any outcome.
- **goal**: a metric with a `target:`, or the metric of a key result in `objectives/*.yml`.

The rules run in a workspace that sets goals, that is one with an `objectives/` folder: a metrics
catalogue without objectives is not a scorecard, and is not lectured about focus.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from headway.spec.issues import Issue, Severity
from headway.spec.models import Agg, Kind, Metric, Status
from headway.spec.objectives import ObjectiveSpec, read_objectives
from headway.spec.workspace import Origin, Workspace

MAX_KPIS = 3
ADDITIVE = (Agg.COUNT, Agg.COUNT_DISTINCT, Agg.SUM)
WORKSPACE = ""  # the scope of metrics that name no team


def check_focus(ws: Workspace) -> list[Issue]:
    """The focus warnings of a workspace that sets goals (has an `objectives/` folder); none otherwise."""
    if not (ws.root / "objectives").is_dir():
        return []
    spec, _ = read_objectives(ws.root)  # shape problems are reported by check_objectives
    found = [
        *_north_stars(ws),
        *_too_many_kpis(ws),
        *_kpis_without_counter(ws),
        *_vanity_goals(ws, spec),
        *_output_goals(ws, spec),
        *_unlinked_delivery_goals(ws, spec),
    ]
    return [replace(issue, severity=Severity.WARNING) for issue in found]


def _live(ws: Workspace) -> Iterator[tuple[Metric, Origin]]:
    for metric in ws.metrics.values():
        origin = ws.origins.get(metric.id)
        if origin is not None and metric.status in (Status.ACTIVE, Status.DRAFT) and not origin.file.startswith("<"):
            yield metric, origin


def _scopes(metric: Metric) -> list[str]:
    return list(metric.teams) or [WORKSPACE]


def _scope_name(scope: str) -> str:
    return f"team '{scope}'" if scope else "the workspace"


def _north_stars_by_scope(ws: Workspace) -> dict[str, list[str]]:
    stars: dict[str, list[str]] = {}
    declared = ws.config.north_star
    if declared in ws.metrics:
        stars.setdefault(WORKSPACE, []).append(declared)
    for metric, _ in _live(ws):
        if "north_star" in metric.tags:
            for scope in _scopes(metric):
                if metric.id not in stars.setdefault(scope, []):
                    stars[scope].append(metric.id)
    return stars


def _north_stars(ws: Workspace) -> list[Issue]:
    issues = []
    for scope, ids in sorted(_north_stars_by_scope(ws).items()):
        for extra in ids[1:]:
            message = f"{_scope_name(scope)} has more than one north star: {', '.join(ids)}"
            hint = "Keep one north star per team (remove the `north_star` tag from the others)."
            issues.append(ws.origins[extra].issue(("tags",), message, hint, code="focus_north_stars"))
    return issues


def _too_many_kpis(ws: Workspace) -> list[Issue]:
    stars = _north_stars_by_scope(ws)
    by_scope: dict[str, list[tuple[Metric, Origin]]] = {}
    for metric, origin in _live(ws):
        if metric.kind is Kind.KPI:
            for scope in _scopes(metric):
                if metric.id not in stars.get(scope, [])[:1] and metric.id != ws.config.north_star:
                    by_scope.setdefault(scope, []).append((metric, origin))
    issues = []
    for scope, kpis in sorted(by_scope.items()):
        if len(kpis) <= MAX_KPIS:
            continue
        kpis.sort(key=lambda pair: (pair[1].file, pair[1].line))
        names = ", ".join(m.id for m, _ in kpis)
        message = f"{_scope_name(scope)} has {len(kpis)} KPIs beside its north star ({names})"
        hint = f"Steer by at most {MAX_KPIS}: make the others `kind: input` or `kind: health`."
        issues.append(kpis[MAX_KPIS][1].issue(("kind",), message, hint, code="focus_too_many_kpis"))
    return issues


def _kpis_without_counter(ws: Workspace) -> list[Issue]:
    hint = "Name what must not get worse while it is pushed: `counter_metrics: [churn_rate]`."
    return [
        origin.issue(("kind",), f"KPI '{m.id}' has no counter-metric", hint, code="focus_no_counter")
        for m, origin in _live(ws)
        if m.kind is Kind.KPI and not m.counter_metrics
    ]


def is_vanity(metric: Metric) -> bool:
    running = metric.cumulative is not None and metric.measure is not None and metric.measure.agg in ADDITIVE
    return "vanity" in metric.tags or running


def is_output_count(metric: Metric) -> bool:
    counted = metric.measure is not None and metric.measure.agg in ADDITIVE and not metric.is_derived
    return "output" in metric.tags or (metric.kind is Kind.DELIVERY and counted)


def _kr_metrics(ws: Workspace, spec: ObjectiveSpec) -> Iterator[tuple[Metric, Origin, int]]:
    for objective_id, objective in spec.objectives.items():
        for index, kr in enumerate(objective.key_results):
            if kr.metric in ws.metrics:
                yield ws.metrics[kr.metric], spec.origins[objective_id], index


def _vanity_goals(ws: Workspace, spec: ObjectiveSpec) -> list[Issue]:
    hint = "A running total only goes up; steer by the count per period, or a rate."
    issues = [
        origin.issue(
            ("kind",), f"KPI '{m.id}' is a vanity metric (a running total or tagged vanity)", hint, code="focus_vanity"
        )
        for m, origin in _live(ws)
        if m.kind is Kind.KPI and is_vanity(m)
    ]
    for metric, origin, index in _kr_metrics(ws, spec):
        if is_vanity(metric):
            message = f"key result on '{metric.id}', a vanity metric (a running total or tagged vanity)"
            issues.append(origin.issue(("key_results", index, "metric"), message, hint, code="focus_vanity"))
    return issues


def _output_goals(ws: Workspace, spec: ObjectiveSpec) -> list[Issue]:
    hint = (
        "Counts of output (tickets closed, items shipped) are easy to raise without changing an outcome; "
        "set the goal on the outcome it should move."
    )
    issues = [
        origin.issue(
            ("target",), f"target on '{m.id}', an output count that invites gaming", hint, code="focus_output_goal"
        )
        for m, origin in _live(ws)
        if m.target is not None and is_output_count(m)
    ]
    for metric, origin, index in _kr_metrics(ws, spec):
        if is_output_count(metric):
            message = f"key result on '{metric.id}', an output count that invites gaming"
            issues.append(origin.issue(("key_results", index, "metric"), message, hint, code="focus_output_goal"))
    return issues


def reaches_kpi(ws: Workspace, metric_id: str) -> bool:
    """Whether `contributes_to` links lead from this metric to a KPI or the north star."""
    seen, todo = set(), [metric_id]
    while todo:
        current = todo.pop()
        for link in ws.metrics[current].contributes_to if current in ws.metrics else []:
            target = ws.metrics.get(link.metric)
            if target is None or link.metric in seen:
                continue
            if target.kind is Kind.KPI or link.metric == ws.config.north_star:
                return True
            seen.add(link.metric)
            todo.append(link.metric)
    return False


def _unlinked_delivery_goals(ws: Workspace, spec: ObjectiveSpec) -> list[Issue]:
    hint = "Declare the KPI it is expected to move: `contributes_to: [csat]`, or choose a goal on a KPI's path."
    issues = [
        origin.issue(
            ("target",),
            f"target on delivery metric '{m.id}', which has no path to any KPI",
            hint,
            code="focus_unlinked_delivery",
        )
        for m, origin in _live(ws)
        if m.target is not None and m.kind is Kind.DELIVERY and not reaches_kpi(ws, m.id)
    ]
    for metric, origin, index in _kr_metrics(ws, spec):
        if metric.kind is Kind.DELIVERY and not reaches_kpi(ws, metric.id):
            message = f"key result on delivery metric '{metric.id}', which has no path to any KPI"
            issues.append(origin.issue(("key_results", index, "metric"), message, hint, code="focus_unlinked_delivery"))
    return issues
