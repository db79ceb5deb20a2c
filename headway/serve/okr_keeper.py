"""`headway serve` freezes OKR baselines as soon as they are due, without waiting for a visitor.

A background thread calls `okr_freeze.freeze_due` at start-up, then every `interval` seconds: when
a quarter begins (and the data completes the period before it), its baselines are captured within
one interval, so a revision of that period later in the quarter cannot move them. On the medium
demo with nothing frozen yet a pass costs about 0.35 s of CPU; once every baseline is frozen, a few
state-database reads (~20 ms). Off without a state database, without an `objectives/` folder, or
with `interval` 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from fastapi import APIRouter, FastAPI

from headway.engine import Actor, Engine
from headway.serve.periodic import Periodic
from headway.serve.state import ServerState
from headway.store import StateStore
from headway.store.models import utc_now


@dataclass(frozen=True)
class KeeperOptions:
    delay: float = 0.0  # seconds after start-up before the first pass (it runs beside the warm-up)
    interval: float = 600.0  # seconds between passes; 0 turns the keeper off
    clock: Callable[[], dt.datetime] = utc_now


class BaselineKeeper(Periodic):
    """One thread that freezes due baselines on a timer; `tick()` is one pass."""

    failure = "freezing OKR baselines failed"

    def __init__(self, engine: Engine, store: StateStore, options: KeeperOptions) -> None:
        super().__init__("headway-okr-baselines", options.interval, options.delay)
        self.engine, self.store, self.options = engine, store, options
        self.frozen = 0  # baselines frozen by this keeper
        self.passes = 0

    def today(self) -> dt.date:
        return self.options.clock().astimezone(ZoneInfo(self.engine.workspace.config.timezone)).date()

    def tick(self) -> int:
        from headway.analysis.okr_freeze import freeze_due

        found = freeze_due(self.engine, self.store, actor=Actor.owner(), today=self.today())
        self.frozen += found
        self.passes += 1
        return found

    def start(self) -> None:
        if (self.engine.workspace.root / "objectives").is_dir():
            super().start()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    server: ServerState = app.state.headway
    store = server.recorder.store if server.recorder is not None else None  # the app's (its lifespan runs first)
    options: KeeperOptions = getattr(app.state, "okr_keeper_options", None) or KeeperOptions()
    app.state.okr_keeper = BaselineKeeper(server.engine, store, options) if store is not None else None
    if app.state.okr_keeper is not None:
        app.state.okr_keeper.start()
    try:
        yield
    finally:
        if app.state.okr_keeper is not None:
            app.state.okr_keeper.stop()


router = APIRouter(lifespan=lifespan)


def install(app: FastAPI, options: KeeperOptions | None) -> None:
    """Register the keeper on the app; it starts and stops with the app."""
    app.state.okr_keeper_options = options
    app.include_router(router)
