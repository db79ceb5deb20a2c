"""The FastAPI application: JSON API, web pages and static files from one server."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from headway import __version__
from headway.engine import Engine
from headway.serve import alerts_api, api, dashboard, errors, explain_api, pages, quality_api, tracking, webhooks
from headway.serve.alert_markers_api import router as alert_markers_router
from headway.serve.alerts_service import AlertOptions, AlertService, has_alert_rules
from headway.serve.okr_keeper import KeeperOptions
from headway.serve.okr_keeper import install as install_keeper
from headway.serve.pages_okr import install as install_okr
from headway.serve.recorder import Recorder, open_store
from headway.serve.review_api import router as review_router
from headway.serve.security import Posture
from headway.serve.state import ServerState
from headway.serve.warmup import warm_dashboard
from headway.spec import Workspace, load_workspace
from headway.store import StateStore

log = logging.getLogger("headway.serve")


def create_app(
    workspace: Workspace | str | Path,
    engine: Engine | None = None,
    *,
    warm: bool = True,
    state: StateStore | None = None,
    allowed_hosts: Sequence[str] = (),
    alerts: AlertOptions | None = None,
    okr_baselines: KeeperOptions | None = None,
) -> FastAPI:
    """The app for one workspace.

    `warm` precomputes the overview in the background at start-up; `state` is the
    state database (default: the workspace's, or HEADWAY_STATE_URL; served without a
    query log, with a warning, when it cannot be opened); `allowed_hosts` are the
    `Host:` names answered besides loopback (see security.py); `okr_baselines` times the freezing
    of OKR baselines (see okr_keeper.py).
    """
    ws = workspace if isinstance(workspace, Workspace) else load_workspace(workspace)
    runner = engine or Engine(ws)
    server = ServerState(ws, runner)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        store = state or open_store(ws)
        server.recorder = Recorder(ws, store) if store is not None else None
        if server.recorder is not None:
            server.recorder.spec_loaded()
        app.state.alerts = AlertService(runner, store, alerts or AlertOptions()) if store is not None else None
        if app.state.alerts is not None:  # alerts keep their lifecycle in the state database
            app.state.alerts.start()
        elif has_alert_rules(ws):  # a workspace without rules loses nothing: the one warning above is enough
            log.warning("alerts are off: the state database cannot be opened (see the warning above)")
        stop = threading.Event()
        warmer = threading.Thread(target=_warm, args=(server, stop), name="headway-warm", daemon=True)
        if warm:
            warmer.start()
        yield
        if app.state.alerts is not None:
            app.state.alerts.stop()
        stop.set()  # the engine closes below: let the warm-up finish its current metric first
        if warmer.is_alive():
            warmer.join(timeout=60)
        if server.recorder is not None:
            server.recorder.close()
        if engine is None:
            runner.close()

    # docs_url/redoc_url off: their pages load scripts from a CDN, and the server must work offline
    app = FastAPI(
        title=f"Headway · {ws.config.name}",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        description="Metrics as code: definitions, values per period, and the SQL behind them.",
    )
    app.state.headway = server
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)  # 9 costs ~2.5x the CPU for ~5% smaller
    app.add_middleware(Posture, allowed_hosts=allowed_hosts)  # outermost: refuses before anything else runs
    errors.install(app)
    app.include_router(api.router)
    app.include_router(alerts_api.router)
    app.include_router(alert_markers_router)
    app.include_router(pages.router)
    app.include_router(tracking.router)
    app.include_router(quality_api.router)
    webhooks.install(app)
    app.include_router(explain_api.router)
    dashboard.install(app)
    install_okr(app)
    install_keeper(app, okr_baselines)
    app.include_router(review_router)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    return app


def _warm(server: ServerState, stop: threading.Event) -> None:
    """Compute the overview once, as a web visitor would see it, so the first visitor does not wait."""
    if stop.is_set():
        return
    try:
        server.overview.summaries(server.actor)
    except Exception:  # warming is an optimisation; a failure shows up on the first real request
        log.exception("warming the overview failed")
    warm_dashboard(server.engine, server.actor, stop)
    server.warmed.set()
