"""Runtime state (spec versions, query log; later keys, alerts, users) in one migrated database.

SQLite under the workspace by default, PostgreSQL via `HEADWAY_STATE_URL`; see `state.py`.
"""

from headway.store import alert_models  # noqa: F401  (registers the alert tables on Base)
from headway.store.models import QueryLogEntry, SpecFile, SpecVersion
from headway.store.records import (
    file_digests,
    latest_spec_version,
    log_query,
    recent_queries,
    record_spec_version,
)
from headway.store.state import STATE_URL_ENV, StateError, StateStore, state_url

__all__ = [
    "STATE_URL_ENV",
    "QueryLogEntry",
    "SpecFile",
    "SpecVersion",
    "StateError",
    "StateStore",
    "file_digests",
    "latest_spec_version",
    "log_query",
    "recent_queries",
    "record_spec_version",
    "state_url",
]
