"""Every corpus file through the real HTTP endpoints of a real uvicorn server.

Signatures are computed in the tests with Python's `hmac` (the reference), never by Headway.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyarrow.parquet as pq
import pytest

from headway.delivery.signatures import github_signature, github_valid
from headway.serve.app import create_app
from tests.delivery.helpers import CORPUS, CORPUS_SECRET, envelope, make_workspace, wait_processed
from tests.fixtures import Server

GITHUB_PLAIN = sorted(p for p in (CORPUS / "github").glob("*.json") if not p.name.endswith(".delivery.json"))
GITHUB_SIGNED = sorted((CORPUS / "github").glob("*.delivery.json"))
GITLAB_PLAIN = sorted(p for p in (CORPUS / "gitlab").glob("*.json") if not p.name.endswith(".delivery.json"))
GITLAB_CAPTURED = sorted((CORPUS / "gitlab").glob("*.delivery.json"))


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Server, Path]]:
    monkeypatch.setenv("HEADWAY_GITHUB_WEBHOOK_SECRET", CORPUS_SECRET)
    monkeypatch.setenv("HEADWAY_GITLAB_WEBHOOK_TOKEN", CORPUS_SECRET)
    root = make_workspace(tmp_path / "ws")
    with Server(create_app(root, warm=False)) as running:
        yield running, root


def post_github(base: str, event: str, body: bytes, secret: str = CORPUS_SECRET, delivery: str = "") -> httpx.Response:
    headers = {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-Hub-Signature-256": sign(secret, body),
        "Content-Type": "application/json",
    }
    return httpx.post(f"{base}/webhooks/github", content=body, headers=headers)


def table(root: Path, name: str) -> list[dict[str, Any]]:
    return pq.read_table(root / ".headway" / "lake" / "delivery" / name / "data.parquet").to_pylist()


def test_github_known_answer() -> None:
    known = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert github_signature("It's a Secret to Everybody", b"Hello, World!") == known
    assert github_valid("It's a Secret to Everybody", b"Hello, World!", known)
    assert not github_valid("It's a Secret to Everybody", b"Hello, World?", known)


def test_known_answer_over_http(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEADWAY_GITHUB_WEBHOOK_SECRET", "It's a Secret to Everybody")
    root = make_workspace(tmp_path / "ws")
    known = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    with Server(create_app(root, warm=False)) as s, httpx.Client() as client:
        headers = {"X-GitHub-Event": "ping", "X-GitHub-Delivery": "kat", "X-Hub-Signature-256": known}
        assert client.post(f"{s.url}/webhooks/github", content=b"Hello, World!", headers=headers).status_code == 202
        status = wait_processed(client, s.url)
    # authentic but not JSON: stored, then reported as failed with the reason, never a 500
    assert status["received"] == 1 and status["failed"] == 1
    assert status["recent_failures"][0]["delivery_id"] == "kat"


@pytest.mark.parametrize("path", GITHUB_SIGNED, ids=lambda p: p.name)
def test_signed_github_delivery_verifies_and_one_byte_fails(server: tuple[Server, Path], path: Path) -> None:
    s, _ = server
    headers, body = envelope(path)
    sent = {k: v for k, v in headers.items() if k.startswith("x-") or k == "content-type"}
    tampered = bytearray(body)
    tampered[len(body) // 2] ^= 0x01
    with httpx.Client() as client:
        bad = client.post(f"{s.url}/webhooks/github", content=bytes(tampered), headers=sent)
        assert bad.status_code == 401
        assert bad.json()["code"] == "bad_signature" and bad.json()["ok"] is False
        assert wait_processed(client, s.url)["received"] == 0  # a refused delivery leaves no trace
        good = client.post(f"{s.url}/webhooks/github", content=body, headers=sent)
        assert good.status_code == 202, good.text
        assert good.json()["delivery"] == headers["x-github-delivery"]
        status = wait_processed(client, s.url)
    assert status["received"] == 1 and status["pending"] == 0


def test_every_corpus_file_is_stored_and_processed(server: tuple[Server, Path]) -> None:
    s, root = server
    with httpx.Client() as client:
        for path in GITHUB_PLAIN:
            event = path.name.split(".")[0]
            assert post_github(s.url, event, path.read_bytes()).status_code == 202, path.name
        for path in GITHUB_SIGNED:
            headers, body = envelope(path)
            sent = {k: v for k, v in headers.items() if k.startswith("x-")}
            assert client.post(f"{s.url}/webhooks/github", content=body, headers=sent).status_code == 202
        for path in GITLAB_PLAIN:
            headers = {"X-Gitlab-Token": CORPUS_SECRET, "X-Gitlab-Event-UUID": str(uuid.uuid4())}
            assert (
                client.post(f"{s.url}/webhooks/gitlab", content=path.read_bytes(), headers=headers).status_code == 202
            )
        for path in GITLAB_CAPTURED:
            headers, body = envelope(path)
            sent = {k: v for k, v in headers.items() if k.startswith("x-gitlab") or k == "idempotency-key"}
            assert client.post(f"{s.url}/webhooks/gitlab", content=body, headers=sent).status_code == 202
        status = wait_processed(client, s.url)
    files = len(GITHUB_PLAIN) + len(GITHUB_SIGNED) + len(GITLAB_PLAIN) + len(GITLAB_CAPTURED)
    assert status["received"] == files
    assert status["failed"] == 0, status["recent_failures"]
    # workflow_job and GitLab notes are not events we read: kept raw, reported, not dropped
    unknown = {(u["provider"], u["event"]): u["count"] for u in status["unknown_events"]}
    assert unknown == {("github", "workflow_job"): 1, ("gitlab", "note"): 2}
    assert status["processed"] == files - 3

    changes = {c["change_id"]: c for c in table(root, "changes")}
    merged = changes["github:derekg1729/test-repo#315"]
    assert merged["state"] == "merged"
    assert merged["merged_at"].isoformat() == "2025-10-15T07:15:39+00:00"
    assert merged["merge_sha"].startswith("18cc785e")
    assert (merged["additions"], merged["deletions"], merged["size"]) == (4, 1, 5)
    assert merged["service"] == "test_repo"
    # closed without merge carries GitHub's test-merge SHA: it must not become a merge
    unmerged = changes["github:Codertocat/Hello-World#2"]
    assert unmerged["state"] == "closed" and unmerged["merge_sha"] is None and unmerged["merged_at"] is None
    assert unmerged["team"] == "hello-team"

    deployments = {d["deployment_id"]: d for d in table(root, "deployments")}
    # the older payload shape without `action`
    old = deployments["github:710692"]
    assert old["environment"] == "production" and old["is_production"] and old["result"] == "success"
    assert old["finished_at"].isoformat() == "2015-05-05T23:40:39+00:00"
    assert old["service"] == "baxterthehacker/public-repo"  # unmapped: the repository's name
    gl = deployments["gitlab:15"]
    # "2021-04-28 21:50:00 +0200" is 19:50 UTC; the full SHA comes from commit_url
    assert gl["finished_at"].isoformat() == "2021-04-28T19:50:00+00:00"
    assert gl["sha"] == "279484c09fbe69ededfced8c1bb6e6d24616b468"
    assert gl["environment"] == "staging" and not gl["is_production"]
    # keys and values with trailing spaces ("state ": "merged "): read as a clean merge; no merged_at
    # field in MR hooks, so the merge time is the hook's updated_at ("2016-12-01 13:21:20 UTC")
    malformed = changes["gitlab:exm-namespace/example-project#1402"]
    assert malformed["state"] == "merged" and malformed["merge_sha"] == "ac3ca1559bc39abf963586372eff7f8fdded646e"
    assert malformed["merged_at"].isoformat() == "2016-12-01T13:21:20+00:00"
    # GitLab push timestamps with +02:00 offsets, normalized to UTC
    commits = {c["sha"][:8]: c for c in table(root, "commits")}
    assert commits["b6568db1"]["authored_at"].isoformat() == "2011-12-12T12:27:31+00:00"
    assert commits["da156088"]["parents"] == commits["b6568db1"]["sha"]


def test_redelivery_is_stored_once(server: tuple[Server, Path]) -> None:
    s, _ = server
    body = (CORPUS / "github" / "ping.json").read_bytes()
    with httpx.Client() as client:
        first = post_github(s.url, "ping", body, delivery="same-id")
        again = post_github(s.url, "ping", body, delivery="same-id")
        assert (first.status_code, again.status_code) == (202, 200)
        assert again.json()["duplicate"] is True
        headers = {"X-Gitlab-Token": CORPUS_SECRET, "Idempotency-Key": "k-1"}
        body_gl = (CORPUS / "gitlab" / "push.json").read_bytes()
        codes = [client.post(f"{s.url}/webhooks/gitlab", content=body_gl, headers=headers).status_code for _ in "ab"]
        assert codes == [202, 200]
        assert wait_processed(client, s.url)["received"] == 2


def test_non_ascii_payload_verifies_over_raw_bytes(server: tuple[Server, Path]) -> None:
    s, root = server
    payload = json.loads((CORPUS / "github" / "pull_request.opened.json").read_text(encoding="utf-8"))
    payload["pull_request"]["title"] = "Zürich: naïve café — 東京 ✓"
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    signature = sign(CORPUS_SECRET, body)
    reencoded = json.dumps(payload, ensure_ascii=True).encode("utf-8")  # same JSON, other bytes
    with httpx.Client() as client:
        headers = {"X-GitHub-Event": "pull_request", "X-GitHub-Delivery": "u1", "X-Hub-Signature-256": signature}
        assert client.post(f"{s.url}/webhooks/github", content=reencoded, headers=headers).status_code == 401
        assert client.post(f"{s.url}/webhooks/github", content=body, headers=headers).status_code == 202
        wait_processed(client, s.url)
    titles = {c["change_id"]: c["title"] for c in table(root, "changes")}
    assert titles["github:Codertocat/Hello-World#2"] == "Zürich: naïve café — 東京 ✓"


def test_gitlab_token(server: tuple[Server, Path]) -> None:
    s, _ = server
    headers, body = envelope(CORPUS / "gitlab" / "merge_request.open.delivery.json")
    assert headers["x-gitlab-token"] == CORPUS_SECRET
    with httpx.Client() as client:
        url = f"{s.url}/webhooks/gitlab"
        wrong = client.post(url, content=body, headers={"X-Gitlab-Token": CORPUS_SECRET[:-1] + "0"})
        missing = client.post(url, content=body)
        assert (wrong.status_code, missing.status_code) == (401, 401)
        assert wrong.json()["code"] == "bad_token"
        assert wait_processed(client, s.url)["received"] == 0
        good = client.post(url, content=body, headers={"X-Gitlab-Token": headers["x-gitlab-token"]})
        assert good.status_code == 202


@pytest.mark.parametrize(
    ("body", "headers", "status", "code"),
    [
        (b"{}", {"X-Hub-Signature-256": "sha256=00"}, 401, "bad_signature"),
        (b"{}", {}, 401, "bad_signature"),
        (b"{}", {"X-Hub-Signature-256": "not even hex \u00e9"}, 401, "bad_signature"),
    ],
    ids=["wrong", "missing", "garbage"],
)
def test_hostile_github_requests(
    server: tuple[Server, Path], body: bytes, headers: dict[str, str], status: int, code: str
) -> None:
    s, _ = server
    sent: dict[str, str | bytes] = {"X-GitHub-Event": "push", **{k: v.encode("utf-8") for k, v in headers.items()}}
    response = httpx.post(f"{s.url}/webhooks/github", content=body, headers=sent)
    assert response.status_code == status and response.json()["code"] == code


def test_unconfigured_secret_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEADWAY_GITHUB_WEBHOOK_SECRET", raising=False)
    root = make_workspace(tmp_path / "ws")
    with Server(create_app(root, warm=False)) as s:
        response = httpx.post(f"{s.url}/webhooks/github", content=b"{}", headers={"X-GitHub-Event": "ping"})
    assert response.status_code == 503
    assert "HEADWAY_GITHUB_WEBHOOK_SECRET" in response.json()["hint"]


def test_github_deployment_and_its_status(server: tuple[Server, Path]) -> None:
    """The corpus reuses deployment id 145988746 for a Pages example; send only the production pair."""
    s, root = server
    with httpx.Client() as client:
        for name in ("deployment_status.created.success.json", "deployment.created.json"):  # status first
            event = name.split(".")[0]
            assert post_github(s.url, event, (CORPUS / "github" / name).read_bytes()).status_code == 202
        wait_processed(client, s.url)
    (row,) = table(root, "deployments")
    assert (row["deployment_id"], row["result"], row["service"], row["team"]) == (
        "github:145988746",
        "success",
        "hello",
        "hello-team",
    )
    assert row["started_at"].isoformat() == "2019-05-15T15:20:53+00:00"
    assert row["finished_at"].isoformat() == "2019-05-15T15:20:55+00:00"
    assert row["sha"].startswith("f95f852b")


def test_oversized_ids_are_refused(server: tuple[Server, Path]) -> None:
    s, _ = server
    body = (CORPUS / "github" / "ping.json").read_bytes()
    long_id = "x" * 201
    assert post_github(s.url, "ping", body, delivery=long_id).json()["code"] == "bad_header"
    headers = {"X-Gitlab-Token": CORPUS_SECRET, "Idempotency-Key": long_id}
    gitlab = httpx.post(
        f"{s.url}/webhooks/gitlab", content=(CORPUS / "gitlab" / "push.json").read_bytes(), headers=headers
    )
    assert gitlab.status_code == 400 and gitlab.json()["code"] == "bad_header"
    assert httpx.get(f"{s.url}/api/v1/delivery/status").json()["received"] == 0


def test_review_and_incident_issue_derived_from_the_corpus(server: tuple[Server, Path]) -> None:
    """The corpus has no review and no incident issue: both are derived from its nearest real files.

    - pull_request_review: PR #2 of pull_request.opened.json, reviewed by 'reviewer' at 16:00,
      after a self-review by its author at 15:30 (a self-review is not a pickup).
    - issues: issues.opened.json relabelled `incident`, with "Root cause: f95f852bd8fc" in its body.
    """
    s, root = server
    pr_payload = json.loads((CORPUS / "github" / "pull_request.opened.json").read_text(encoding="utf-8"))
    author = pr_payload["pull_request"]["user"]["login"]
    reviews = [(author, "2019-05-15T15:30:00Z"), ("reviewer", "2019-05-15T16:00:00Z")]
    issue = json.loads((CORPUS / "github" / "issues.opened.json").read_text(encoding="utf-8"))
    issue["issue"]["labels"] = [{"name": "incident"}, {"name": "sev1"}]
    issue["issue"]["body"] = "Checkout is down.\n\nRoot cause: f95f852bd8fc"
    with httpx.Client() as client:
        assert post_github(s.url, "pull_request", json.dumps(pr_payload).encode()).status_code == 202
        for login, at in reviews:
            review = {**pr_payload, "action": "submitted", "review": {"user": {"login": login}, "submitted_at": at}}
            assert post_github(s.url, "pull_request_review", json.dumps(review).encode()).status_code == 202
        assert post_github(s.url, "issues", json.dumps(issue).encode()).status_code == 202
        wait_processed(client, s.url)
    (change,) = table(root, "changes")
    assert change["first_review_at"].isoformat() == "2019-05-15T16:00:00+00:00"
    # opened 15:20:33 (the corpus README), first review by someone else 16:00:00: 39 min 27 s
    assert change["pickup_hours"] == pytest.approx((39 * 60 + 27) / 3600)
    (incident,) = table(root, "incidents")
    assert (incident["root_cause_sha"], incident["severity"], incident["service"]) == ("f95f852bd8fc", "sev1", "hello")
    assert incident["resolved_at"] is None  # an open issue is not resolved
