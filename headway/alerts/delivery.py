"""Sending an incident's messages: compose, deliver to each live channel, log every attempt.

A channel that answers 404/410 is disabled in the state database, and its owner is told
through the first email channel, since the channel itself is gone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from headway.alerts import escalation as esc
from headway.alerts.channels import Context, Delivery, Message, Outcome, send
from headway.alerts.links import ack_url
from headway.alerts.message import Driver, compose
from headway.spec import Workspace
from headway.spec.alerts import AlertRule, AlertSpec, ChannelType
from headway.store.alert_models import AlertChannelStatus, AlertEvent


def dedupe_key(rule_id: str, metric_id: str, series: str = "") -> str:
    """Stable per rule and series: the same problem never opens two incidents."""
    return hashlib.sha256(f"{rule_id}\0{metric_id}\0{series}".encode()).hexdigest()[:32]


@dataclass
class Notifier:
    workspace: Workspace
    spec: AlertSpec
    context: Context
    secret: bytes
    base: str
    clock: Callable[[], dt.datetime]

    def notify(
        self, rule: AlertRule, incident: dict[str, Any], state: str, level: int, out: list[Delivery], s: Session
    ) -> None:
        """The incident's message to the audience of escalation `level`."""
        metric = self.workspace.metrics[rule.metric]
        policy = esc.policy_for(rule, self.spec)
        who = esc.audience(rule, metric, self.spec, policy.levels[min(max(level, 0), len(policy.levels) - 1)])
        drivers = [Driver(d["metric"], d["direction"], d["sign"], d["evidence"]) for d in incident.get("drivers") or []]
        message = compose(
            state=state,
            incident=incident,
            rule=rule,
            metric=metric,
            owner=rule.owner or metric.owner,
            base_url=self.base,
            ack_url=ack_url(self.base, self.secret, incident["id"]),
            drivers=drivers,
            recipients=who.people,
            level=max(level, 0),
            grain=(rule.grain or self.workspace.grain_of(rule.metric)).value,
        )
        self._deliver(who.channels, message, out, s, incident.get("key"), incident["id"])

    def tell_owner(self, rule: AlertRule, subject: str, text: str, out: list[Delivery], s: Session) -> None:
        metric = self.workspace.metrics.get(rule.metric)
        owner = rule.owner or (metric.owner if metric else None)
        message = Message(subject, text, {"state": "evaluation_error", "rule": rule.id}, (owner,) if owner else ())
        self._deliver(tuple(rule.channels), message, out, s, dedupe_key(rule.id, rule.metric), None)

    def _deliver(
        self,
        names: tuple[str, ...],
        message: Message,
        out: list[Delivery],
        s: Session,
        key: str | None,
        incident: int | None,
    ) -> None:
        now = self.clock()
        for name in names:
            status = s.get(AlertChannelStatus, name)
            if status is not None and status.disabled:
                continue
            delivery = send(self.spec.channels[name], message, self.context)
            out.append(delivery)
            detail = {
                "channel": name,
                "outcome": delivery.outcome.value,
                "detail": delivery.detail,
                "subject": message.subject,
            }
            s.add(AlertEvent(at=now, key=key, incident_id=incident, kind="delivery", detail=detail))
            if delivery.outcome is Outcome.GONE:
                s.merge(AlertChannelStatus(name=name, disabled=True, reason=delivery.detail, changed_at=now))
                s.add(
                    AlertEvent(
                        at=now, key=key, kind="channel_disabled", detail={"channel": name, "reason": delivery.detail}
                    )
                )
                self._channel_gone(name, delivery, out)

    def _channel_gone(self, name: str, delivery: Delivery, out: list[Delivery]) -> None:
        owner = self.spec.channels[name].owner
        mail = next((c for c in self.spec.channels.values() if c.type is ChannelType.EMAIL and c.name != name), None)
        if owner and mail:
            text = f"Headway disabled alert channel '{name}': its endpoint answered {delivery.detail}. Fix its URL."
            out.append(send(mail, Message(f"[CHANNEL DISABLED] {name}", text, {}, (owner,)), self.context))
