"""The dashboard's share of the server's background warm-up: cards, tree and dashboards before the first visitor.

Each step is an optimisation: a failure is logged and shows up again on the first real request.
`stop` is checked between steps, so a server shutting down waits for one step at most.
"""

from __future__ import annotations

import logging
import threading

from headway.engine import Actor, Engine

log = logging.getLogger("headway.serve")


def warm_dashboard(engine: Engine, actor: Actor, stop: threading.Event) -> None:
    from headway.analysis.cards import overview_cards
    from headway.analysis.dashboard_view import dashboard_view, dashboards
    from headway.analysis.tree_cache import cached_tree_report

    steps = [
        ("cards", lambda: overview_cards(engine, actor=actor)),
        ("tree", lambda: cached_tree_report(engine, actor=actor)),
    ]
    steps += [(f"dashboard {d}", lambda d=d: dashboard_view(engine, d, actor=actor)) for d in dashboards(engine)]  # type: ignore[misc]
    for name, step in steps:
        if stop.is_set():
            return
        try:
            step()
        except Exception:
            log.exception("warming the %s failed", name)
