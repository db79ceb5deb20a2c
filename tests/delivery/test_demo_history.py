"""The demo's delivery numbers come from the real path, and agree with the raw deliveries and export.

The small demo writes GitHub deliveries and a Jira CSV and loads them itself. These tests:
- post a slice of those deliveries to a real server's `POST /webhooks/github` and check the
  tables it builds equal the ones the demo's replay builds from the same slice;
- recompute DORA and flow values straight from the raw JSON lines and CSV rows (plain Python,
  the rules as documented in the README, never Headway's derive code) and compare them with
  the engine's answers for the demo's metrics.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import statistics
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyarrow.parquet as pq
import pytest

from headway.delivery.processor import Processor
from headway.delivery.replay import replay_github
from headway.demo import generate
from headway.demo.github import DELIVERIES, DEMO_SECRET
from headway.demo.render import headway_yml
from headway.demo.tracker import EXPORT
from headway.engine import Engine, Query
from headway.serve.app import create_app
from headway.spec import load_workspace
from headway.spec.models import Grain
from tests.delivery.helpers import rows_of, wait_processed
from tests.fixtures import Server

FROM, TO = dt.date(2026, 5, 4), dt.date(2026, 10, 25)  # whole weeks inside the small demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("demo-history") / "acme", seed=42, scale="small").path


@pytest.fixture(scope="module")
def deliveries(demo: Path) -> list[dict[str, Any]]:
    lines = (demo / DELIVERIES).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def engine(demo: Path) -> Iterator[Engine]:
    runner = Engine(load_workspace(demo), "duckdb")
    yield runner
    runner.close()


def weekly(engine: Engine, metric: str) -> dict[str, tuple[Any, int]]:
    rows = rows_of(engine, Query(metric, Grain.WEEK, (), FROM, TO))
    return {r["period"]: (r["value"], r["n"] or 0) for r in rows}


def week_of(text: str) -> str:
    day = dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def payloads(deliveries: list[dict[str, Any]], event: str) -> list[dict[str, Any]]:
    return [json.loads(d["body"]) for d in deliveries if d["headers"]["X-GitHub-Event"] == event]


def demo_config() -> str:
    """The demo's headway.yml (its delivery: block) without the rest of the demo's spec."""
    return headway_yml().replace("north_star: paid_mrr\n", "")


def test_every_delivery_is_signed_with_the_demo_secret(deliveries: list[dict[str, Any]]) -> None:
    import hashlib
    import hmac

    for d in deliveries[:: max(1, len(deliveries) // 500)]:  # a spread sample, checked with hmac directly
        want = "sha256=" + hmac.new(DEMO_SECRET.encode(), d["body"].encode(), hashlib.sha256).hexdigest()
        assert d["headers"]["X-Hub-Signature-256"] == want
    events = {d["headers"]["X-GitHub-Event"] for d in deliveries}
    assert events == {"push", "pull_request", "pull_request_review", "deployment", "deployment_status", "issues"}


def test_the_http_receiver_builds_the_same_tables_as_the_demo_replay(
    deliveries: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_incident = next(i for i, d in enumerate(deliveries) if '"body":"Root cause: ' in d["body"])
    chunk = deliveries[: first_incident + 200]  # the first weeks: PRs, reviews, deployments, an incident
    assert {d["headers"]["X-GitHub-Event"] for d in chunk} >= {"pull_request", "deployment_status", "issues"}
    replayed, served = tmp_path / "replayed", tmp_path / "served"
    for root in (replayed, served):
        root.mkdir()
        (root / "headway.yml").write_text(demo_config(), encoding="utf-8")
        (root / "chunk.jsonl").write_text("".join(json.dumps(d) + "\n" for d in chunk), encoding="utf-8")
    config = load_workspace(replayed).config.delivery
    processor = Processor(replayed, config)
    result = replay_github(processor, replayed / "chunk.jsonl", DEMO_SECRET)
    processor.inbox.close()
    assert (result.stored, result.refused, result.duplicates) == (len(chunk), 0, 0)
    monkeypatch.setenv("HEADWAY_GITHUB_WEBHOOK_SECRET", DEMO_SECRET)
    with Server(create_app(served, warm=False)) as running, httpx.Client() as client:
        for d in chunk:
            body = d["body"].encode("utf-8")
            answer = client.post(f"{running.url}/webhooks/github", content=body, headers=d["headers"])
            assert answer.status_code == 202, answer.text
        status = wait_processed(client, running.url)
    assert (status["processed"], status["failed"], status["pending"]) == (len(chunk), 0, 0)
    for name in ("changes", "commits", "deployments", "deployment_changes", "incidents"):
        path = Path(".headway") / "lake" / "delivery" / name / "data.parquet"
        assert pq.read_table(served / path).equals(pq.read_table(replayed / path)), name


def test_a_tampered_delivery_is_refused_by_the_replay(deliveries: list[dict[str, Any]], tmp_path: Path) -> None:
    tampered = [dict(d) for d in deliveries[:3]]
    tampered[1]["body"] = tampered[1]["body"].replace('"', "'", 1)  # one byte changed
    root = tmp_path / "ws"
    root.mkdir()
    (root / "headway.yml").write_text(demo_config(), encoding="utf-8")
    (root / "x.jsonl").write_text("".join(json.dumps(d) + "\n" for d in tampered), encoding="utf-8")
    processor = Processor(root, load_workspace(root).config.delivery)
    result = replay_github(processor, root / "x.jsonl", DEMO_SECRET)
    processor.inbox.close()
    assert (result.stored, result.refused) == (2, 1)


def test_production_deployments_agree_with_the_deployment_statuses(
    deliveries: list[dict[str, Any]], engine: Engine
) -> None:
    want: dict[str, int] = defaultdict(int)
    for p in payloads(deliveries, "deployment_status"):
        status = p["deployment_status"]
        if p["deployment"]["environment"] == "production" and status["state"] in ("success", "failure"):
            want[week_of(status["created_at"])] += 1
    got = weekly(engine, "production_deployments")
    assert {w: v for w, (v, _) in got.items()} == {w: want.get(w, 0) for w in got}
    assert sum(v for v, _ in got.values()) > 500


def test_incidents_agree_with_the_incident_issues(deliveries: list[dict[str, Any]], engine: Engine) -> None:
    want: dict[str, int] = defaultdict(int)
    for p in payloads(deliveries, "issues"):
        if p["action"] == "opened" and "incident" in {label["name"] for label in p["issue"]["labels"]}:
            want[week_of(p["issue"]["created_at"])] += 1
    got = weekly(engine, "incidents")
    assert {w: v for w, (v, _) in got.items()} == {w: want.get(w, 0) for w in got}


def test_cycle_time_agrees_with_the_jira_export(demo: Path, engine: Engine) -> None:
    days: dict[str, list[float]] = defaultdict(list)
    with (demo / EXPORT).open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Resolved"]:
                start = dt.datetime.fromisoformat(row["Start date"].replace("Z", "+00:00"))
                done = dt.datetime.fromisoformat(row["Resolved"].replace("Z", "+00:00"))
                days[week_of(row["Resolved"])].append((done - start).total_seconds() / 86400)
    got = weekly(engine, "cycle_time")
    for week, (value, n) in got.items():
        assert n == len(days[week]), week
        assert value == pytest.approx(statistics.median(days[week]), abs=1e-6), week


def lead_times(deliveries: list[dict[str, Any]]) -> dict[str, list[float]]:
    """Change lead time by the README's rule, from the raw payloads alone.

    A production deployment that succeeded ships every PR of its repository merged after the
    previous such deployment's cut-off and up to its own: the merge time of the PR whose merge SHA
    it deployed (else its start, for a direct commit). A rollback's cut-off is older: it ships
    nothing. PRs up to the first deployment's cut-off are unattributed (no lead time). Lead time
    runs from the branch's first pushed commit to the deployment's finish.
    """
    first_commit = {}
    for p in payloads(deliveries, "push"):
        first_commit[(p["repository"]["full_name"], p["ref"].removeprefix("refs/heads/"))] = p["commits"][0][
            "timestamp"
        ]
    merged: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # repo -> (merged_at, merge sha, branch)
    for p in payloads(deliveries, "pull_request"):
        pr = p["pull_request"]
        if pr["merged"]:
            merged[p["repository"]["full_name"]].append((pr["merged_at"], pr["merge_commit_sha"], pr["head"]["ref"]))
    out: dict[str, list[float]] = defaultdict(list)
    deploys: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # repo -> (finished, started, sha)
    for p in payloads(deliveries, "deployment_status"):
        d, status = p["deployment"], p["deployment_status"]
        if d["environment"] == "production" and status["state"] == "success":
            deploys[p["repository"]["full_name"]].append((status["created_at"], d["created_at"], d["sha"]))
    for repo, rows in deploys.items():
        merge_time = {sha: at for at, sha, _ in merged[repo]}
        low = None
        for finished, started, sha in sorted(rows):
            cutoff = merge_time.get(sha, started)
            if low is not None and cutoff < low:
                continue  # a rollback: nothing new
            if low is not None:
                for at, _, branch in merged[repo]:
                    if low < at <= cutoff:
                        start = dt.datetime.fromisoformat(first_commit[(repo, branch)].replace("Z", "+00:00"))
                        end = dt.datetime.fromisoformat(finished.replace("Z", "+00:00"))
                        out[week_of(finished)].append((end - start).total_seconds() / 3600)
            low = cutoff
    return out


def test_change_lead_time_agrees_with_the_raw_pull_requests_and_deployments(
    deliveries: list[dict[str, Any]], engine: Engine
) -> None:
    want = lead_times(deliveries)
    got = weekly(engine, "change_lead_time")
    assert sum(n for _, n in got.values()) > 500
    for week, (value, n) in got.items():
        assert n == len(want[week]), week
        assert value == pytest.approx(statistics.median(want[week]), abs=1e-6), week


def test_incidents_link_to_the_deployment_of_their_root_cause_sha(deliveries: list[dict[str, Any]], demo: Path) -> None:
    named = {}
    for p in payloads(deliveries, "issues"):
        body = p["issue"]["body"]
        if p["action"] == "opened" and body.startswith("Root cause: "):
            named[f"github:{p['repository']['full_name']}#{p['issue']['number']}"] = body.removeprefix("Root cause: ")
    lake = demo / ".headway" / "lake" / "delivery"
    deployments = pq.read_table(lake / "deployments").to_pylist()
    shipped = {
        c["merge_sha"]: c["deployment_id"] for c in pq.read_table(lake / "changes").to_pylist() if c["merge_sha"]
    }
    incidents = pq.read_table(lake / "incidents" / "data.parquet").to_pylist()
    linked = [i for i in incidents if i["deployment_id"]]
    assert len(named) > 20 and {i["incident_id"] for i in linked} == set(named)
    for incident in linked:
        sha = named[incident["incident_id"]]
        # the first production deployment that ran the SHA, or shipped the pull request merged as it
        # (an overlapping deployment that finished first can ship it before the one that deployed it)
        candidates = [
            d
            for d in deployments
            if d["is_production"]
            and d["result"] == "success"
            and (d["sha"] == sha or shipped.get(sha) == d["deployment_id"])
        ]
        first = min(candidates, key=lambda d: d["finished_at"])
        assert incident["deployment_id"] == first["deployment_id"], incident
        assert incident["link_how"] == "root_cause_sha" and first["failed"]


def test_replaying_the_same_deliveries_again_changes_nothing(deliveries: list[dict[str, Any]], tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "headway.yml").write_text(demo_config(), encoding="utf-8")
    (root / "x.jsonl").write_text("".join(json.dumps(d) + "\n" for d in deliveries[:300]), encoding="utf-8")
    processor = Processor(root, load_workspace(root).config.delivery)
    first = replay_github(processor, root / "x.jsonl", DEMO_SECRET)
    changes = pq.read_table(root / ".headway" / "lake" / "delivery" / "changes" / "data.parquet")
    again = replay_github(processor, root / "x.jsonl", DEMO_SECRET)
    processor.inbox.close()
    assert (first.stored, first.duplicates) == (300, 0)
    assert (again.stored, again.duplicates, again.processed) == (0, 300, 0)  # keyed on X-GitHub-Delivery
    assert pq.read_table(root / ".headway" / "lake" / "delivery" / "changes" / "data.parquet").equals(changes)
