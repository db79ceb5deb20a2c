"""The alert lifecycle in the state database: evaluate, open, correlate, notify, escalate, resolve.

`Alerting.run()` is one pass (what `headway alerts run` and the server's schedule call).
Evaluation is stateless (the rule runs over the data again); the database remembers each
series' state, each incident and every event. The clock is injected so tests can move time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from headway.alerts import escalation as esc
from headway.alerts.channels import Context, Delivery
from headway.alerts.correlate import suspected
from headway.alerts.delivery import Notifier, dedupe_key
from headway.alerts.errors import AckError
from headway.alerts.feed import incident_json as _as_dict
from headway.alerts.links import alert_secret, base_url
from headway.alerts.variant_log import opened_detail, opened_variant
from headway.analysis.alerts.evaluate import Skip, State
from headway.analysis.alerts.series import RuleRun, run_latest
from headway.engine import Engine
from headway.spec.alerts import AlertRule, AlertSpec
from headway.store import StateStore
from headway.store.alert_models import AlertEvent, AlertIncident, AlertSeries
from headway.store.models import utc_now

Clock = Callable[[], dt.datetime]
OPEN = ("firing", "acknowledged")


@dataclass
class RunReport:
    evaluated: int = 0
    outcomes: dict[str, str] = field(default_factory=dict)  # rule id -> firing | pending | normal | no_data | ...
    opened: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)


@dataclass
class Alerting:
    engine: Engine
    store: StateStore
    spec: AlertSpec
    clock: Clock = utc_now
    context: Context = field(default_factory=Context)
    base: str | None = None

    def __post_init__(self) -> None:
        self.secret = alert_secret(self.engine.workspace.root, self.context.env)
        self.base = self.base or base_url(self.context.env)
        self.notifier = Notifier(self.engine.workspace, self.spec, self.context, self.secret, self.base, self.clock)

    # -- one pass -------------------------------------------------------------
    def run(self) -> RunReport:
        report = RunReport()
        firing: dict[str, str | None] = {}
        for rule in self.spec.rules.values():
            if rule.enabled:
                self._evaluate(rule, report, firing)
        self._correlate(report.opened, firing)
        self.escalate(report)
        return report

    def _evaluate(self, rule: AlertRule, report: RunReport, firing: dict[str, str | None]) -> None:
        key, now = dedupe_key(rule.id, rule.metric), self.clock()
        report.evaluated += 1
        try:
            runs = run_latest(self.engine, rule, periods=rule.trigger.of + rule.recover)
        except Exception as error:  # any failure is an outcome the owner hears about, never silence
            detail = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
            report.outcomes[rule.id] = "evaluation_error"
            if self._set_series(key, rule, {}, None, "evaluation_error", None, detail, now):
                subject = f"[ERROR] alert rule {rule.id} cannot be evaluated"
                with self.store.session() as s:
                    self.notifier.tell_owner(rule, subject, detail, report.deliveries, s)
            return
        if not runs:
            report.outcomes[rule.id] = "no_data"
            self._set_series(key, rule, {}, None, "no_data", None, None, now)
            return
        for run in runs:
            self._track(rule, run, report, firing, now)

    def _track(
        self, rule: AlertRule, run: RuleRun, report: RunReport, firing: dict[str, str | None], now: dt.datetime
    ) -> None:
        """One series of one rule: record its state, open or resolve its incident."""
        key = dedupe_key(rule.id, rule.metric, run.label)
        name = f"{rule.id}[{run.label}]" if run.label else rule.id
        last = run.evaluation.points[-1] if run.evaluation.points else None
        if last is None or last.skip is Skip.NO_DATA:
            report.outcomes[name] = "no_data"
            self._set_series(key, rule, run.series, None, "no_data", last.period if last else None, None, now)
            return
        state = run.evaluation.states[-1]
        report.outcomes[name] = state.value
        self._set_series(key, rule, run.series, state, "ok", last.period, None, now)
        with self.store.session() as s:
            incident = _open_incident(s, key)
            if state is State.FIRING and incident is None and run.evaluation.fired:
                start = run.evaluation.fired[-1]
                incident = AlertIncident(
                    key=key,
                    rule_id=rule.id,
                    metric_id=rule.metric,
                    series=run.series,
                    state="firing",
                    opened_at=now,
                    period=start.period,
                    value=start.value,
                    expected=start.expected,
                    low=start.low,
                    high=start.high,
                    direction=start.breach,
                    level=-1,
                    drivers=[],
                )
                s.add(incident)
                s.flush()
                detail = opened_detail(run, start)  # the point that fired, and the band variant that judged it
                s.add(AlertEvent(at=now, key=key, incident_id=incident.id, kind="opened", detail=detail))
                report.opened.append(incident.id)
            elif state is not State.FIRING and incident is not None:
                incident.state, incident.resolved_at = "resolved", now
                detail = {"period": last.period}  # where the chart marks it resolved
                s.add(AlertEvent(at=now, key=key, incident_id=incident.id, kind="resolved", detail=detail))
                for child in _children(s, incident.id):  # drivers still firing now page on their own
                    child.parent_id = None
                report.resolved.append(incident.id)
                if incident.level >= 0 and incident.parent_id is None:
                    self.notifier.notify(rule, _as_dict(incident), "resolved", 0, report.deliveries, s)
            if state is State.FIRING and incident is not None and not run.series:
                firing[rule.metric] = incident.direction  # the tree links whole metrics, not slices

    def _set_series(
        self,
        key: str,
        rule: AlertRule,
        series: dict[str, Any],
        state: State | None,
        outcome: str,
        period: str | None,
        detail: str | None,
        now: dt.datetime,
    ) -> bool:
        """Record the series' state; True when its outcome or state changed (an event is written)."""
        with self.store.session() as s:
            row = s.get(AlertSeries, key)
            new_state = state.value if state else (row.state if row else State.NORMAL.value)
            changed = row is None or row.outcome != outcome or row.state != new_state
            if row is None:
                row = AlertSeries(key=key, rule_id=rule.id, metric_id=rule.metric, series=series, since=now)
                s.add(row)
            if changed:
                row.since = now
                s.add(
                    AlertEvent(
                        at=now, key=key, kind=outcome if outcome != "ok" else new_state, detail={"detail": detail}
                    )
                )
            row.state, row.outcome, row.evaluated_at, row.period, row.detail = new_state, outcome, now, period, detail
        return changed

    def _correlate(self, opened: list[int], firing: dict[str, str | None]) -> None:
        metrics = self.engine.workspace.metrics
        with self.store.session() as s:
            found = s.scalars(select(AlertIncident).where(AlertIncident.id.in_(opened)))
            new = {i.metric_id: i for i in found if not i.series}  # the tree links whole metrics, not slices
            for metric_id, incident in new.items():
                drivers = suspected(metrics, metric_id, incident.direction, firing)
                if not drivers:
                    continue
                incident.drivers = [d.to_json() for d in drivers]
                for driver in drivers:
                    child = new.get(driver.metric_id) or _open_incident_for_metric(s, driver.metric_id)
                    if child is not None and child.id != incident.id and child.level < 0:
                        child.parent_id = incident.id

    # -- escalation -------------------------------------------------------------
    def escalate(self, report: RunReport | None = None) -> RunReport:
        """Notify newly due levels and repeats of every unacknowledged incident, outside quiet hours."""
        report = report or RunReport()
        now, zone = self.clock(), self.engine.workspace.config.timezone
        with self.store.session() as s:
            for incident in s.scalars(select(AlertIncident).where(AlertIncident.state == "firing")):
                rule = self.spec.rules.get(incident.rule_id)
                if rule is None or incident.parent_id is not None:
                    continue
                policy = esc.policy_for(rule, self.spec)
                if esc.in_quiet_hours(policy, now, zone):
                    continue
                level = esc.due_level(policy, incident.opened_at, now)
                if level > incident.level or esc.repeat_due(policy, incident.notified_at, now):
                    kind = "escalated" if level > incident.level else "repeated"
                    incident.level, incident.notified_at = max(level, incident.level), now
                    s.add(
                        AlertEvent(
                            at=now, key=incident.key, incident_id=incident.id, kind=kind, detail={"level": level}
                        )
                    )
                    data = {**_as_dict(incident), "variant": opened_variant(s, incident.id)}
                    self.notifier.notify(rule, data, "firing", incident.level, report.deliveries, s)
        return report

    def acknowledge(self, incident_id: int, by: str) -> dict[str, Any]:
        now = self.clock()
        with self.store.session() as s:
            incident = s.get(AlertIncident, incident_id)
            if incident is None:
                raise AckError(f"no alert incident {incident_id}", "unknown_alert")
            if incident.state == "resolved":
                raise AckError(f"alert incident {incident_id} is already resolved", "already_resolved")
            for child in _children(s, incident.id):  # the drivers filed under it are acknowledged with it
                child.state, child.acknowledged_at, child.acknowledged_by = "acknowledged", now, by
                detail = {"by": by, "with_incident": incident.id}
                s.add(AlertEvent(at=now, key=child.key, incident_id=child.id, kind="acknowledged", detail=detail))
            if incident.state == "firing":
                incident.state, incident.acknowledged_at, incident.acknowledged_by = "acknowledged", now, by
                s.add(
                    AlertEvent(
                        at=now, key=incident.key, incident_id=incident.id, kind="acknowledged", detail={"by": by}
                    )
                )
            return _as_dict(incident)


def _open_incident(s: Session, key: str) -> AlertIncident | None:
    stmt = select(AlertIncident).where(AlertIncident.key == key, AlertIncident.state.in_(OPEN))
    return s.scalars(stmt.order_by(AlertIncident.id.desc())).first()


def _children(s: Session, parent_id: int) -> list[AlertIncident]:
    stmt = select(AlertIncident).where(AlertIncident.parent_id == parent_id, AlertIncident.state == "firing")
    return list(s.scalars(stmt))


def _open_incident_for_metric(s: Session, metric_id: str) -> AlertIncident | None:
    """The newest open incident on the whole metric (not on one of its slices)."""
    stmt = select(AlertIncident).where(AlertIncident.metric_id == metric_id, AlertIncident.state.in_(OPEN))
    return next((i for i in s.scalars(stmt.order_by(AlertIncident.id.desc())) if not i.series), None)
