"""Production deployments delivered through the real GitHub webhook corpus become release notes on the
charts of their service's metrics: in /api/v1/annotations, on the metric page and on a dashboard.

The corpus pair (deployment 145988746 of Codertocat/Hello-World to production, success at
2019-05-15T15:20:55Z) is sent signed, as GitHub sends it. The workspace is in Pacific/Auckland
(UTC+12 in May), so the note must fall on the local day, 2019-05-16, not the UTC one.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from headway.serve.app import create_app
from tests.delivery.helpers import CORPUS, CORPUS_SECRET, make_workspace, wait_processed
from tests.fixtures import Server

METRICS = """\
metrics:
  - id: hello_deploys
    kind: delivery
    source: deployments
    measure: {agg: count}
    filter: "is_production"
    tags: [hello]
  - id: shop_deploys
    kind: delivery
    source: deployments
    measure: {agg: count}
    tags: [shop]
"""
BOARD = """\
dashboards:
  - id: releases
    title: Releases
    panels:
      - {type: line, metrics: [hello_deploys], grain: day, from: 2019-05-10, to: 2019-05-20}
      - {type: line, metrics: [shop_deploys], grain: day, from: 2019-05-10, to: 2019-05-20}
"""


def sign(body: bytes) -> str:
    return "sha256=" + hmac.new(CORPUS_SECRET.encode(), body, hashlib.sha256).hexdigest()


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.setenv("HEADWAY_GITHUB_WEBHOOK_SECRET", CORPUS_SECRET)
    root = make_workspace(tmp_path / "ws", tz="Pacific/Auckland")
    (root / "metrics").mkdir()
    (root / "metrics" / "deploys.yml").write_text(METRICS, encoding="utf-8")
    (root / "dashboards").mkdir()
    (root / "dashboards" / "releases.yml").write_text(BOARD, encoding="utf-8")
    with Server(create_app(root, warm=False)) as running:
        yield running


def deliver(base: str) -> None:
    with httpx.Client() as client:
        for name in ("deployment.created.json", "deployment_status.created.success.json"):
            body = (CORPUS / "github" / name).read_bytes()
            headers = {
                "X-GitHub-Event": name.split(".")[0],
                "X-GitHub-Delivery": str(uuid.uuid4()),
                "X-Hub-Signature-256": sign(body),
                "Content-Type": "application/json",
            }
            assert client.post(f"{base}/webhooks/github", content=body, headers=headers).status_code == 202
        assert wait_processed(client, base)["pending"] == 0


def releases(notes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [n for n in notes if n["source"] == "delivery"]


def test_a_delivered_deployment_marks_its_services_charts(served: Server) -> None:
    base = served.url
    before = httpx.get(f"{base}/api/v1/annotations", params={"metric": "hello_deploys"}, timeout=30).json()
    assert releases(before["annotations"]) == []  # nothing delivered yet: no table, no note, no error
    deliver(base)
    notes = httpx.get(f"{base}/api/v1/annotations", params={"metric": "hello_deploys"}, timeout=30).json()
    (note,) = releases(notes["annotations"])
    assert (note["kind"], note["at"], note["until"]) == ("release", "2019-05-16", None)
    assert note["title"] == "hello: production deployment (f95f852)"
    assert note["tags"] == ["hello", "service:hello"] and note["metrics"] == []
    assert "github:145988746" in note["description"]
    other = httpx.get(f"{base}/api/v1/annotations", params={"metric": "shop_deploys"}, timeout=30).json()
    assert releases(other["annotations"]) == []  # another service's charts stay clean

    view = httpx.get(f"{base}/api/v1/metrics/hello_deploys/view", timeout=60).json()
    assert [n["at"] for n in releases(view["annotations"])] == ["2019-05-16"]

    board = httpx.get(f"{base}/api/v1/dashboards/releases", timeout=60).json()
    hello, shop = board["panels"]
    assert [n["title"] for n in hello["annotations"]] == ["hello: production deployment (f95f852)"]
    assert shop["annotations"] == []
    by_day = {r["period"]: r["value"] for r in hello["rows"]}
    assert by_day["2019-05-16"] == 1  # the chart's own count agrees with the note's day
