"""Alerts inside `headway serve`: evaluate after each data refresh, escalate on a timer.

A background thread wakes every `interval` seconds. When the data behind the workspace
changed (a new data version) it evaluates every rule; otherwise it only escalates open
incidents. The clock is injected so tests can move time without waiting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from headway.engine import Engine
from headway.serve.periodic import Periodic
from headway.spec import Workspace
from headway.spec.alerts import load_alerts
from headway.store import StateStore
from headway.store.models import utc_now

if TYPE_CHECKING:
    from headway.alerts.channels import Context
    from headway.alerts.lifecycle import Alerting


@dataclass(frozen=True)
class AlertOptions:
    interval: float = 60.0  # seconds between checks; 0 turns the schedule off
    clock: Callable[[], dt.datetime] = utc_now
    context: Context | None = None  # environment and sleep for channels; default: the process's


def has_alert_rules(ws: Workspace) -> bool:
    return bool(load_alerts(ws).rules)


class AlertService(Periodic):
    """Loads the alert machinery (statistics, HTTP clients) only for a workspace that has rules."""

    failure = "alert evaluation failed"

    def __init__(self, engine: Engine, store: StateStore, options: AlertOptions):
        super().__init__("headway-alerts", options.interval)
        self.options, self.store, self.engine = options, store, engine
        spec = load_alerts(engine.workspace)
        self.alerting: Alerting | None = None
        if spec.rules:
            from headway.alerts.channels import Context
            from headway.alerts.lifecycle import Alerting

            context = options.context or Context()
            self.alerting = Alerting(engine, store, spec, options.clock, context)
        self._seen: Any = None
        self.runs = 0

    def start(self) -> None:
        if self.alerting is not None:
            super().start()

    def tick(self) -> str:
        """One check: 'evaluated' after a data refresh, else 'escalated' ('idle' without rules)."""
        if self.alerting is None:
            return "idle"
        version = self.engine.data_versions()  # a source without files yet is a version of its own, not an error
        if version != self._seen:
            self._seen = version
            self.alerting.run()
            self.runs += 1
            return "evaluated"
        self.alerting.escalate()
        return "escalated"
