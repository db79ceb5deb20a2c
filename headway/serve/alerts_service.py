"""Alerts inside `headway serve`: evaluate after each data refresh, escalate on a timer.

A background thread wakes every `interval` seconds. When the data behind the workspace
changed (a new data version) it evaluates every rule; otherwise it only escalates open
incidents. The clock is injected so tests can move time without waiting.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from headway.engine import Engine
from headway.spec import Workspace
from headway.spec.alerts import load_alerts
from headway.store import StateStore
from headway.store.models import utc_now

log = logging.getLogger("headway.serve")


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


class AlertService:
    """Loads the alert machinery (statistics, HTTP clients) only for a workspace that has rules."""

    def __init__(self, engine: Engine, store: StateStore, options: AlertOptions):
        self.options, self.store, self.engine = options, store, engine
        spec = load_alerts(engine.workspace)
        self.alerting: Alerting | None = None
        if spec.rules:
            from headway.alerts.channels import Context
            from headway.alerts.lifecycle import Alerting

            context = options.context or Context()
            self.alerting = Alerting(engine, store, spec, options.clock, context)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="headway-alerts", daemon=True)
        self._seen: Any = None
        self.runs = 0

    def start(self) -> None:
        if self.options.interval > 0 and self.alerting is not None:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=60)

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

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # a failing pass is logged and retried on the next tick
                log.exception("alert evaluation failed")
            self._stop.wait(self.options.interval)
