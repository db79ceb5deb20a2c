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
from headway.store import StateStore, file_digests, log_query, record_spec_version

log = logging.getLogger("headway.serve")


class Recorder:
    def __init__(self, workspace: Workspace, store: StateStore):
        self.workspace, self.store = workspace, store
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="headway-state")

    def spec_loaded(self) -> None:
        ws = self.workspace
        record_spec_version(self.store, ws.spec_hash, file_digests(ws.root, spec_files(ws.root)), note="served")

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
        except Exception:  # the log is an aid; losing one entry must not break serving
            log.exception("could not log a query to the state database")

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.store.dispose()
