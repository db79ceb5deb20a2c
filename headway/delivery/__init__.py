"""Delivery data: webhook receivers' storage, normalizers, importers and the canonical tables.

Raw deliveries land in an inbox (a SQLite file under the workspace, committed before the
2xx); processing folds them into partial records, derives the links between deployments,
changes and incidents (each link says how it was made) and rewrites the Parquet tables
that the built-in `delivery` metric library reads.
"""

from headway.delivery.inbox import Inbox, Received
from headway.delivery.processor import Processor

__all__ = ["Inbox", "Processor", "Received"]
