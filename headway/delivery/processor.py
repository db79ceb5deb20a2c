"""Turn pending deliveries into records, then rebuild the canonical tables from every record.

Rebuilding from all records (not patching rows) keeps attribution right when a delivery
arrives late: a deployment seen after the changes it shipped re-links them. The delivery
tables stay small (thousands of rows), so a rebuild takes milliseconds to a second.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any

from headway.delivery import github, gitlab
from headway.delivery.derive import derive
from headway.delivery.fold import fold
from headway.delivery.inbox import Inbox, Record, inbox_path
from headway.delivery.tables import TABLES, table_path, write_stamp, write_table
from headway.spec.delivery_config import DeliveryConfig, tables_current

log = logging.getLogger("headway.delivery")


class Processor:
    def __init__(self, root: Path, config: DeliveryConfig | None, inbox: Inbox | None = None, timezone: str = "UTC"):
        self.root = root
        self.config = config or DeliveryConfig()
        self.timezone = timezone  # the workspace's: work-item age and investment days are its calendar days
        self.inbox = inbox or Inbox.for_workspace(root)
        self._lock = threading.Lock()

    def ensure_tables(self) -> None:
        """Write the tables when any is missing or was derived with another configuration."""
        if not current(self.root, self.config, self.timezone):
            self.rebuild()

    def process_pending(self, limit: int = 10_000) -> int:
        """Extract records from up to `limit` pending deliveries; rebuild the tables when any arrived."""
        with self._lock:
            pending = self.inbox.pending(limit)
            if not pending:
                return 0
            outcomes: list[tuple[int, str, str | None]] = []
            found: list[tuple[str, Record]] = []
            for delivery in pending:
                try:
                    records = self.extract(delivery.provider, delivery.event, delivery.body)
                except (github.UnknownEvent, gitlab.UnknownEvent):
                    outcomes.append((delivery.seq, "ignored", f"unknown event '{delivery.event}': kept raw"))
                    continue
                except Exception as error:  # one bad payload must not block the rest
                    log.warning("delivery %s failed: %s", delivery.delivery_id, error)
                    outcomes.append((delivery.seq, "failed", f"{type(error).__name__}: {error}"))
                    continue
                found.extend((f"{delivery.provider}:{delivery.delivery_id}", r) for r in records)
                outcomes.append((delivery.seq, "processed", None))
            # records, then tables, then statuses: once status says processed, a query sees it.
            # A crash in between re-processes the same deliveries; records upsert by origin.
            self.inbox.put_records(found)
            self._rebuild_locked()
            self.inbox.settle(outcomes, [])
            return len(pending)

    def extract(self, provider: str, event: str, body: bytes) -> list[Record]:
        payload: Any = json.loads(body)
        if not isinstance(payload, dict):
            raise ValueError("the body is not a JSON object")
        labels = self.config.incident_labels
        if provider == "github":
            return github.records(event, payload, labels)
        return gitlab.records(event, payload, labels)

    def rebuild(self) -> None:
        with self._lock:
            self._rebuild_locked()

    def _rebuild_locked(self) -> None:
        tables = derive(fold(self.inbox.records()), self.config, self.timezone)
        for name in TABLES:
            write_table(self.root, name, tables.get(name, []))
        write_stamp(self.root, self.config, self.timezone)


def current(root: Path, config: DeliveryConfig | None, timezone: str) -> bool:
    """Every table exists and was derived with this configuration and time zone."""
    return all(table_path(root, t).exists() for t in TABLES) and tables_current(root, config, timezone)


def ensure_tables(root: Path, config: DeliveryConfig | None, timezone: str = "UTC") -> bool:
    """Give a workspace that includes the delivery library tables that match its configuration.

    Missing tables, or tables derived with another `delivery:` block or time zone, are rebuilt
    from the inbox when one exists, so an edited service map applies at once. Without an inbox
    there is nothing to rebuild from: missing tables are written empty with their schema (a fresh
    workspace's delivery metrics answer "no data" instead of failing on a missing file), and
    tables that exist (copied or linked from elsewhere) are kept. True when any table was written.
    """
    if current(root, config, timezone):
        return False
    if inbox_path(root).exists():
        processor = Processor(root, config, timezone=timezone)
        try:
            processor.rebuild()
        finally:
            processor.inbox.close()
        return True
    missing = [name for name in TABLES if not table_path(root, name).exists()]
    for name in missing:
        write_table(root, name, [])
    write_stamp(root, config or DeliveryConfig(), timezone)
    return bool(missing)
