"""The tree report kept per (spec, data version, actor policy, filter): a page load reads only file metadata.

Grading every link reads every linked metric's weekly series; once computed, the answer stands
until a spec file or a data file changes. The server's warm-up fills it before the first visitor.
"""

from __future__ import annotations

import threading
from typing import Any

from headway.analysis.alignment import Filter, tree_report
from headway.engine import Actor, Engine

MAX_KEPT = 32  # filters are few (a dimension value each); older answers are dropped first
_cache: dict[tuple[Any, ...], dict[str, Any]] = {}
_lock = threading.Lock()


def cached_tree_report(engine: Engine, where: Filter | None = None, *, actor: Actor) -> dict[str, Any]:
    """`tree_report`, computed once per spec, data version, policy and filter."""
    ws = engine.workspace
    key = (id(engine), ws.spec_hash, engine.data_versions(), actor.policy_key, where)
    with _lock:
        found = _cache.get(key)
    if found is None:
        found = tree_report(engine, where, actor=actor)
        with _lock:
            while len(_cache) >= MAX_KEPT:
                _cache.pop(next(iter(_cache)))
            _cache[key] = found
    return found
