"""What an alert says: what moved, by how much, against which baseline and band, and who owns it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from headway.alerts.channels import Message
from headway.analysis.alerts.variant import configured
from headway.spec.alerts import AlertRule
from headway.spec.models import Metric


@dataclass(frozen=True)
class Driver:
    """A metric that feeds the KPI (contributes_to) and fired in the same window."""

    metric_id: str
    direction: str | None
    sign: str  # the declared sign of its effect on the KPI
    evidence: str  # consistent: it moved the way that explains the KPI's move; inconsistent otherwise

    def to_json(self) -> dict[str, Any]:
        return {"metric": self.metric_id, "direction": self.direction, "sign": self.sign, "evidence": self.evidence}


def _fmt(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def _baseline(rule: AlertRule, incident: dict[str, Any]) -> str:
    """The band's variant when the incident knows it (a backtest's point), else the rule's as written."""
    used = incident.get("variant")
    return f"{rule.baseline.value}, {used}" if used else configured(rule)


def compose(
    *,
    state: str,
    incident: dict[str, Any],
    rule: AlertRule,
    metric: Metric,
    owner: str | None,
    base_url: str,
    ack_url: str | None,
    drivers: list[Driver] | None = None,
    recipients: tuple[str, ...] = (),
    level: int = 0,
    grain: str = "day",
) -> Message:
    value, expected = incident.get("value"), incident.get("expected")
    change = None if value is None or expected is None else value - expected
    rel = None if change is None or not expected else change / abs(expected)
    moved = {"up": "rose above", "down": "fell below"}.get(incident.get("direction") or "", "left")
    series = ", ".join(f"{k}={v}" for k, v in (incident.get("series") or {}).items())
    name = f"{metric.label} ({series})" if series else metric.label
    subject = f"[{state.upper()}] {name} {moved} its band on {incident['period']}"
    # the series behind the alert; a chart page can take over this link once the dashboard has one per metric
    chart = (
        f"{base_url.rstrip('/')}/api/v1/metrics/{quote(metric.id)}/query?grain={grain}&from={quote(incident['period'])}"
    )
    lines = [
        f"{metric.label} ({metric.id}) was {_fmt(value)}{' ' + metric.unit if metric.unit else ''} "
        f"in the period {incident['period']}, expected {_fmt(expected)}",
        f"change: {_fmt(change)}" + (f" ({rel:+.1%})" if rel is not None else ""),
        f"baseline: {_baseline(rule, incident)} (rule {rule.id}), "
        f"band {_fmt(incident.get('low'))} to {_fmt(incident.get('high'))}",
        f"chart: {chart}",
        f"owner: {owner or 'none declared'}",
        f"counter-metrics to check: {', '.join(metric.counter_metrics) or 'none declared'}",
    ]
    if drivers:
        named = ", ".join(f"{d.metric_id} ({d.direction}, {d.evidence})" for d in drivers)
        lines.append(f"suspected drivers: {named}")
    if level > 0:
        lines.append(f"escalated to level {level + 1}: not acknowledged yet")
    if ack_url and state == "firing":
        lines.append(f"acknowledge: {ack_url}")
    data = {
        "state": state,
        "rule": rule.id,
        "metric": metric.id,
        "incident": incident,
        "baseline": rule.baseline.value,
        "variant": incident.get("variant") or configured(rule),
        "chart": chart,
        "owner": owner,
        "counter_metrics": list(metric.counter_metrics),
        "drivers": [d.to_json() for d in drivers or []],
        "level": level,
        "ack_url": ack_url,
    }
    return Message(subject, "\n".join(lines), data, recipients)
