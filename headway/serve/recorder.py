"""What the server writes to the state database: the spec it serves and the queries it answers.

Writes happen off the request path (a single background worker), so a slow
state database never slows an answer down; failures are logged, not raised.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from headway.engine import Query, Result
from headway.spec import Workspace
from headway.spec.loader import spec_files
from headway.store import StateError, StateStore, file_digests, log_query, record_spec_version, state_url

log = logging.getLogger("headway.serve")


class Recorder:
    def __init__(self, workspace: Workspace, store: StateStore):
        self.workspace, self.store = workspace, store
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="headway-state")

    def spec_loaded(self) -> None:
        ws = self.workspace
        try:
            record_spec_version(self.store, ws.spec_hash, file_digests(ws.root, spec_files(ws.root)), note="served")
        except Exception as error:  # a full disk or a read-only database: serve anyway, say so once
            log.warning("could not record the spec version in the state database: %s", one_line(error))

    def query_answered(self, query: Query, result: Result, seconds: float) -> None:
        self._pool.submit(self._log, query, result, seconds)

    def _log(self, query: Query, result: Result, seconds: float) -> None:
        try:
            payload: dict[str, Any] = {
                "grain": query.grain.value,
                "by": list(query.by),
                "where": query.where,
                "from": query.start.isoformat() if query.start else None,
                "to": query.end.isoformat() if query.end else None,
                "compare": query.compare.value if query.compare else None,
            }
            version = ",".join(f"{n}:{v}" for n, v in result.meta.get("data_version", ()))
            log_query(
                self.store,
                metric_id=query.metric,
                spec_hash=self.workspace.spec_hash,
                data_version=version,
                query=payload,
                engine=result.engine,
                rows=len(result.rows),
                duration_ms=seconds * 1000,
                cache_hit=result.cached,
            )
        except Exception as error:  # the log is an aid; losing one entry must not break serving
            log.warning("could not log a query of %s to the state database: %s", query.metric, one_line(error))

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.store.dispose()


def one_line(error: BaseException) -> str:
    """`OperationalError: database or disk is full`: the kind and the first line, not the statement."""
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else 'no message'}"


def open_store(workspace: Workspace) -> StateStore | None:
    """The state database, or None (with one warning) when it cannot be opened: serve without a query log."""
    try:
        return StateStore.open(state_url(workspace.root))
    except StateError as error:
        log.warning("warning: %s; serving read-only, without a query log. %s", error.message, error.hint)
        return None
