"""What the running server holds: the workspace, its engine, the overview cache and who is asking."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from cachetools import LRUCache
from fastapi import Request

from headway.analysis.summary import Overview
from headway.engine import Actor, Engine
from headway.serve.encoded import Encoded
from headway.serve.recorder import Recorder
from headway.spec import Workspace


@dataclass
class ServerState:
    workspace: Workspace
    engine: Engine
    recorder: Recorder | None = None
    actor: Actor = field(default_factory=Actor.viewer)  # every web request, until access control lands
    overview: Overview = field(init=False)
    warmed: threading.Event = field(default_factory=threading.Event)  # set when the start-up warm-up is over
    # JSON twins already serialized, keyed by (page, spec, data versions, policy): a hit costs one file listing
    payloads: LRUCache[tuple[Any, ...], Encoded] = field(default_factory=lambda: LRUCache(maxsize=32))
    payloads_lock: threading.Lock = field(default_factory=threading.Lock)  # handlers run on several threads
    # how long the last listings of the data files took (see serve/listing.py)
    listings: deque[float] = field(default_factory=lambda: deque(maxlen=8))

    def __post_init__(self) -> None:
        self.overview = Overview(self.engine)


def get_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.headway
    return state


async def current_state(request: Request) -> ServerState:
    """`get_state` as a dependency. Async on purpose: FastAPI runs a sync dependency on a worker thread,
    a thread hop per request for an attribute read."""
    return get_state(request)
