"""The receivers' decision (headway.delivery.receive), which the endpoints and the demo's replay both call.

Signatures come from the corpus's own headers (signed by GitHub) and from Python's `hmac`.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest

from headway.delivery.processor import Processor
from headway.delivery.receive import Accepted, Refused, accept_github, accept_gitlab
from headway.delivery.replay import replay_github
from headway.serve.app import create_app
from tests.delivery.helpers import CORPUS, CORPUS_SECRET, envelope, make_workspace
from tests.delivery.test_webhooks import GITHUB_SIGNED, sign
from tests.fixtures import Server


@pytest.mark.parametrize("path", GITHUB_SIGNED, ids=lambda p: p.name)
def test_signed_corpus_deliveries_are_accepted_and_a_changed_byte_refused(path: Path) -> None:
    headers, body = envelope(path)
    decision = accept_github(CORPUS_SECRET, headers, body)
    assert decision == Accepted(
        headers["x-github-delivery"],
        headers["x-github-event"],
        {k: v for k, v in headers.items() if k.startswith("x-github") or k == "content-type"},
    )
    changed = body[:-2] + bytes([body[-2] ^ 0x20]) + body[-1:]
    refused = accept_github(CORPUS_SECRET, headers, changed)
    assert isinstance(refused, Refused)
    assert (refused.status, refused.code) == (401, "bad_signature")
    assert "HEADWAY_GITHUB_WEBHOOK_SECRET" in refused.hint


def test_gitlab_decision_keeps_no_token() -> None:
    headers, body = envelope(CORPUS / "gitlab" / "merge_request.open.delivery.json")
    decision = accept_gitlab(CORPUS_SECRET, headers, body)
    assert isinstance(decision, Accepted)
    assert (decision.delivery_id, decision.event) == (headers["idempotency-key"], "merge_request")
    assert "x-gitlab-token" not in decision.headers and decision.headers["x-gitlab-event-uuid"]
    assert accept_gitlab(CORPUS_SECRET, {"X-Gitlab-Token": "nope"}, body).code == "bad_token"  # type: ignore[union-attr]
    assert accept_gitlab("", headers, body).status == 503  # type: ignore[union-attr]


def test_replay_and_endpoint_refuse_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Three captured lines: good, bad signature, no event. Both paths store one and log the bad signature."""
    body = (CORPUS / "github" / "ping.json").read_bytes()
    good = {"X-GitHub-Event": "ping", "X-GitHub-Delivery": "g-1", "X-Hub-Signature-256": sign(CORPUS_SECRET, body)}
    bad = good | {"X-GitHub-Delivery": "g-2", "X-Hub-Signature-256": sign("another secret", body)}
    no_event = {k: v for k, v in good.items() if k != "X-GitHub-Event"} | {"X-GitHub-Delivery": "g-3"}
    lines = [good, bad, no_event]
    replayed = make_workspace(tmp_path / "replayed")
    capture = replayed / "captured.jsonl"
    capture.write_text("".join(json.dumps({"headers": h, "body": body.decode()}) + "\n" for h in lines), "utf-8")
    processor = Processor(replayed, None)
    result = replay_github(processor, capture, CORPUS_SECRET)
    processor.inbox.close()
    assert (result.stored, result.refused) == (1, 2)

    monkeypatch.setenv("HEADWAY_GITHUB_WEBHOOK_SECRET", CORPUS_SECRET)
    app = create_app(make_workspace(tmp_path / "served"), warm=False)
    with caplog.at_level(logging.WARNING, logger="headway.webhooks"), Server(app) as s:
        codes = [httpx.post(f"{s.url}/webhooks/github", content=body, headers=h).status_code for h in lines]
        status = httpx.get(f"{s.url}/api/v1/delivery/status").json()
    assert codes == [202, 401, 400]
    assert status["received"] == 1
    assert [r.getMessage() for r in caplog.records] == ["github delivery g-2 refused: bad_signature"]
