"""Replay captured webhook deliveries into a workspace: the receiver's checks, then the inbox and processing.

A captured delivery is one JSON line, `{"headers": {...}, "body": "<exact body text>"}`.
Each goes through `accept_github`, the very function `POST /webhooks/github` calls (the HMAC
over the raw body bytes, in constant time, before parsing), is stored in the inbox under the id
it names (`X-GitHub-Delivery`: a repeat is stored once), and is processed by the same
`Processor` the server's worker runs. The demo loads its history this way; it also suits a backfill
from deliveries saved elsewhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from headway.delivery.processor import Processor
from headway.delivery.receive import Refused, accept_github


@dataclass(frozen=True)
class Replayed:
    stored: int
    duplicates: int
    refused: int  # what the receiver refuses (bad signature 401, no event 400): never stored
    processed: int


def replay_github(processor: Processor, path: Path, secret: str) -> Replayed:
    """Check, store and process every delivery in `path`; refused lines are counted, not raised."""
    stored = duplicates = refused = 0
    batch: list[tuple[str, str, dict[str, str], bytes]] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            envelope = json.loads(line)
            body = envelope["body"].encode("utf-8")
            decision = accept_github(secret, envelope["headers"], body)
            if isinstance(decision, Refused):
                refused += 1
                continue
            batch.append((decision.delivery_id, decision.event, decision.headers, body))
    for received in processor.inbox.receive_many("github", batch):
        stored, duplicates = stored + received.stored, duplicates + (not received.stored)
    processed = 0
    while True:
        done = processor.process_pending(limit=100_000)
        processed += done
        if done == 0:
            return Replayed(stored, duplicates, refused, processed)
