"""Load the demo's delivery history the way a real workspace gets it: webhooks and a tracker import.

The GitHub deliveries are replayed through the receiver's signature check into the inbox and
processed by the same code as live ones; the Jira export goes through `headway ingest jira`'s
reader. The canonical tables under .headway/lake/delivery/ are what the demo's delivery
metrics (and the built-in library) read.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import yaml

from headway.delivery.exports import tracker_csv
from headway.delivery.inbox import inbox_path
from headway.delivery.processor import Processor
from headway.delivery.replay import replay_github
from headway.delivery.tables import TABLES, table_path
from headway.demo.github import DELIVERIES, DEMO_SECRET
from headway.demo.tracker import EXPORT
from headway.spec.delivery_config import DERIVED_STAMP, DeliveryConfig


def history_files(root: Path) -> list[str]:
    """What loading writes, relative to the workspace, for the demo's manifest."""
    return [inbox_path(root).relative_to(root).as_posix(), DERIVED_STAMP,
            *(table_path(root, t).relative_to(root).as_posix() for t in TABLES)]  # fmt: skip


def load_history(target: Path, headway_yml: str) -> dict[str, int]:
    """Import the tracker export, replay the deliveries, and return the canonical tables' row counts."""
    settings = yaml.safe_load(headway_yml)
    config = DeliveryConfig.model_validate(settings["delivery"])
    inbox = inbox_path(target)
    if not inbox.exists():  # a served earlier demo may leave its journal: never replay it into a new inbox
        for suffix in ("-wal", "-shm", "-journal"):
            inbox.with_name(inbox.name + suffix).unlink(missing_ok=True)
    processor = Processor(target, config, timezone=settings.get("timezone", "UTC"))
    try:
        processor.inbox.put_records(tracker_csv(target / EXPORT, "jira"))
        replayed = replay_github(processor, target / DELIVERIES, DEMO_SECRET)
        if replayed.refused or replayed.duplicates:
            raise RuntimeError(f"demo deliveries refused: {replayed}")
    finally:
        processor.inbox.close()
    return {name: pq.read_metadata(table_path(target, name)).num_rows for name in TABLES}
