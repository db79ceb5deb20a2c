"""The running ingestion of one workspace: its log, its compactor and the write keys it accepts."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from headway.ingest.compactor import INGEST_DIR, Compactor
from headway.ingest.log import EventLog
from headway.ingest.worker import CompactorProcess
from headway.spec.ingest_settings import IngestSettings
from headway.store import StateStore, active_keys
from headway.store.keys import hash_key

KEY_CACHE_S = 2.0  # a revoked key stops working within this long
MAX_IN_FLIGHT = 64  # requests waiting for the disk; past this the API answers 429


class Ingestor:
    def __init__(self, root: Path, settings: IngestSettings, store: StateStore, background: bool = True):
        self.root = root
        self.settings = settings
        self.store = store
        self.compactor = Compactor(root, settings)  # numbers the log's segments; passes run in a child process
        self.log = EventLog(root / INGEST_DIR / "log", self.compactor.db.next_segment)  # rolled before each pass
        self.reader = Compactor(root, settings)  # its own SQLite connection, for reports on the request path
        self.background = CompactorProcess(root, settings, self.log) if background else None
        self._keys: dict[str, str] = {}
        self._keys_at = 0.0
        self._keys_lock = threading.Lock()
        self.in_flight = 0

    def start(self) -> None:
        if self.background is not None:
            self.background.start()

    def source_for(self, key: str) -> str | None:
        """The source a write key belongs to, or None when it is unknown or revoked."""
        digest = hash_key(key)
        with self._keys_lock:
            age = time.monotonic() - self._keys_at
            # a key created since the last read works at once (re-read at most every 0.5 s on a miss);
            # a revoked one stops within KEY_CACHE_S
            if age > KEY_CACHE_S or (digest not in self._keys and age > 0.5):
                self._keys = active_keys(self.store)
                self._keys_at = time.monotonic()
            return self._keys.get(digest)

    def close(self) -> None:
        if self.background is not None:
            self.background.stop()  # a last pass publishes what the log holds
        self.log.close()
        self.compactor.close()
        self.reader.close()
