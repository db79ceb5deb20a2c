"""Replay captured webhook deliveries into a workspace: the receiver's checks, then the inbox and processing.

A captured delivery is one JSON line, `{"headers": {...}, "body": "<exact body text>"}`.
Each is checked exactly as `POST /webhooks/github` checks it (the HMAC over the raw body
bytes, in constant time, before parsing), stored in the inbox under its
`X-GitHub-Delivery` id (a repeat is stored once), and processed by the same `Processor`
the server's worker runs. The demo loads its history this way; it also suits a backfill
from deliveries saved elsewhere.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from headway.delivery.processor import Processor
from headway.delivery.signatures import github_valid


@dataclass(frozen=True)
class Replayed:
    stored: int
    duplicates: int
    refused: int  # bad signature or no event name: never stored, as the receiver answers 401/400
    processed: int


def replay_github(processor: Processor, path: Path, secret: str) -> Replayed:
    """Check, store and process every delivery in `path`; refused lines are counted, not raised."""
    stored = duplicates = refused = 0
    batch: list[tuple[str, str, dict[str, str], bytes]] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            envelope = json.loads(line)
            headers = {k.lower(): v for k, v in envelope["headers"].items()}
            body = envelope["body"].encode("utf-8")
            event = headers.get("x-github-event", "")
            if not event or not github_valid(secret, body, headers.get("x-hub-signature-256")):
                refused += 1
                continue
            kept = {k: v for k, v in headers.items() if k.startswith("x-github") or k == "content-type"}
            delivery_id = headers.get("x-github-delivery") or "sha256:" + hashlib.sha256(body).hexdigest()
            batch.append((delivery_id, event, kept, body))
    for received in processor.inbox.receive_many("github", batch):
        stored, duplicates = stored + received.stored, duplicates + (not received.stored)
    processed = 0
    while True:
        done = processor.process_pending(limit=100_000)
        processed += done
        if done == 0:
            return Replayed(stored, duplicates, refused, processed)
