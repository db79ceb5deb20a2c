"""What the running server holds: the workspace and its engine."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from headway.engine import Engine
from headway.serve.recorder import Recorder
from headway.spec import Workspace


@dataclass
class ServerState:
    workspace: Workspace
    engine: Engine
    recorder: Recorder | None = None


def get_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.headway
    return state
