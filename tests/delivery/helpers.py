"""Shared by the delivery tests: a workspace with the delivery library, corpus access, waiting."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from tests.conftest import SHARED

if TYPE_CHECKING:
    from headway.delivery.inbox import Record

CORPUS = SHARED / "corpus"
CORPUS_SECRET = "402786017574bd28f9d8f7a18648939751c47fe09077d56e10f0444f14fbb73b"

HEADWAY_YML = """\
name: delivery_test
timezone: {tz}
include: [delivery]
delivery:
  services: {{"Codertocat/Hello-World": hello, "derekg1729/test-repo": test_repo, "acme/shop": shop}}
  teams: {{shop: checkout-team, hello: hello-team}}
  production_environments: [production]
  incident_labels: [incident]
"""


def make_workspace(root: Path, tz: str = "UTC") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "headway.yml").write_text(HEADWAY_YML.format(tz=tz), encoding="utf-8")
    return root


def load_records(root: Path, records: Sequence[Record]) -> Path:
    """Put these records in the workspace's inbox and build its delivery tables, as the processor does."""
    from headway.delivery import Inbox, Processor
    from headway.spec import load_workspace

    inbox = Inbox.for_workspace(root)
    inbox.put_records([(f"t:{r.table}:{r.key}", r) for r in records])
    ws = load_workspace(root)
    Processor(root, ws.config.delivery, inbox, ws.config.timezone).rebuild()
    inbox.close()
    return root


def envelope(path: Path) -> tuple[dict[str, str], bytes]:
    """A captured delivery's headers and its exact body bytes."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    return doc["headers"], base64.b64decode(doc["body_raw_base64"])


def wait_processed(client: httpx.Client, base: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status: dict[str, Any] = client.get(f"{base}/api/v1/delivery/status").json()
        if status["pending"] == 0 or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


def rows_of(engine: Any, query: Any) -> list[dict[str, Any]]:
    """A query's rows as the owner sees them, in JSON form, keeping period, dimensions, value and n."""
    from headway.engine import Actor
    from headway.engine.results import json_row

    keep = {"period", *query.by, "value", "n"}
    return [{k: v for k, v in json_row(r).items() if k in keep} for r in engine.query(query, actor=Actor.owner()).rows]
