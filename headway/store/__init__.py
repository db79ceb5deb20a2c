"""Runtime state (spec versions, query log; later keys, alerts, users) in one migrated database.

SQLite under the workspace by default, PostgreSQL via `HEADWAY_STATE_URL`; see `state.py`.
"""

from headway.store import (
    alert_models,  # noqa: F401  (registers the alert tables on Base)
    meeting_models,  # noqa: F401  (registers the meeting tables on Base)
)
from headway.store.keys import KeyInfo, WriteKey, active_keys, create_key, list_keys, revoke_key
from headway.store.models import QueryLogEntry, SpecFile, SpecVersion
from headway.store.okr_models import OkrBaseline  # noqa: F401  (registers the OKR tables on Base)
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
    "KeyInfo",
    "QueryLogEntry",
    "SpecFile",
    "SpecVersion",
    "StateError",
    "StateStore",
    "WriteKey",
    "active_keys",
    "create_key",
    "file_digests",
    "latest_spec_version",
    "list_keys",
    "log_query",
    "recent_queries",
    "record_spec_version",
    "revoke_key",
    "state_url",
]
