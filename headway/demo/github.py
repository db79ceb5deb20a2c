"""The demo's delivery history as GitHub webhook deliveries, signed as GitHub signs them.

Each pull request is a branch push (its first commit), `pull_request` opened, a
`pull_request_review` and `pull_request` closed; each deployment is `deployment` then
`deployment_status` (success or failure); each incident is an `issues` opened (labelled
`incident`, its body naming the root-cause SHA when a deployment caused it) and closed. The
payloads carry the fields of the real ones in ../shared/corpus/ that Headway reads, in the
same nesting. Every body is signed with the demo's webhook secret (X-Hub-Signature-256), and
the file holds one delivery per line: its headers and its exact body text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from headway.demo.delivery import SEVERITIES, Deployments, Incidents
from headway.demo.org import REPOS, authors
from headway.demo.pulls import LABELS, NONE, Pulls

DEMO_SECRET = "acme-demo-webhook-secret"  # the demo's HEADWAY_GITHUB_WEBHOOK_SECRET; never a real one
DELIVERIES = "data/delivery/github-deliveries.jsonl"
DEPLOYMENT_IDS = 700_000_000  # GitHub deployment ids are large integers


def write_deliveries(target: Path, pulls: Pulls, deps: Deployments, incidents: Incidents) -> int:
    """Write every delivery, oldest first; returns how many."""
    events = [*_pull_events(pulls), *_deployment_events(deps, incidents), *_incident_events(incidents, deps)]
    events.sort(key=lambda e: (e[0], e[1]))
    path = target / DELIVERIES
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for at, key, event, payload in events:
            body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
            out.write(json.dumps({"headers": _headers(event, key, at, body.encode()), "body": body}) + "\n")
    return len(events)


def _headers(event: str, key: str, at: int, body: bytes) -> dict[str, str]:
    signature = "sha256=" + hmac.new(DEMO_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": str(uuid.UUID(bytes=hashlib.sha256(key.encode()).digest()[:16], version=4)),
        "X-Hub-Signature-256": signature,
        "X-Headway-Demo-Sent-At": _iso(at),
        "Content-Type": "application/json",
    }


def _iso(us: int | np.integer[Any]) -> str:
    return dt.datetime.fromtimestamp(int(us) // 1_000_000, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _repo(service: int) -> dict[str, Any]:
    owner, name = REPOS[service].split("/")
    return {"id": 1000 + service, "name": name, "full_name": REPOS[service], "owner": {"login": owner}}


Event = tuple[int, str, str, dict[str, Any]]


def _pull_events(p: Pulls) -> list[Event]:
    handles = authors()
    out: list[Event] = []
    for i in range(len(p.number)):
        repo, author = _repo(int(p.service[i])), {"login": handles[int(p.author[i])]}
        branch = f"{author['login']}/change-{p.number[i]}"
        first, head, merge = (bytes(x).decode() for x in (p.branch_sha[i], p.head_sha[i], p.merge_sha[i]))
        commit: dict[str, Any] = {"id": first, "message": f"Start change {p.number[i]}"}
        commit |= {
            "timestamp": _iso(p.first_commit[i]),
            "author": {"name": author["login"], "username": author["login"]},
        }
        push = {"ref": f"refs/heads/{branch}", "before": "0" * 40, "after": first, "created": True}
        push |= {"deleted": False, "repository": repo, "sender": author, "commits": [commit]}
        out.append((int(p.first_commit[i]), f"push:{repo['full_name']}:{first}", "push", push))
        pr = {
            "number": int(p.number[i]),
            "title": f"Change {p.number[i]} ({LABELS[int(p.labels[i])]})",
            "user": author,
            "state": "open",
            "created_at": _iso(p.opened[i]),
            "updated_at": _iso(p.opened[i]),
            "closed_at": None,
            "merged_at": None,
            "merged": False,
            "merge_commit_sha": None,
            "head": {"ref": branch, "sha": head},
            "base": {"ref": "main"},
            "labels": [{"name": name} for name in LABELS[int(p.labels[i])].split(",")],
            "additions": int(p.additions[i]),
            "deletions": int(p.deletions[i]),
        }
        key = f"{repo['full_name']}#{p.number[i]}"
        out.append((int(p.opened[i]), f"opened:{key}", "pull_request", _pr("opened", pr, repo)))
        if p.review[i] != NONE:
            reviewer = {"login": handles[(int(p.author[i]) + 1) % len(handles)]}
            review = {"user": reviewer, "state": "approved", "submitted_at": _iso(p.review[i])}
            body = {"action": "submitted", "review": review, "pull_request": pr, "repository": repo}
            out.append((int(p.review[i]), f"review:{key}", "pull_request_review", body))
        if p.closed[i] != NONE:
            merged = p.merged[i] != NONE
            done = pr | {"state": "closed", "closed_at": _iso(p.closed[i]), "updated_at": _iso(p.closed[i])}
            if merged:
                done |= {"merged": True, "merged_at": _iso(p.merged[i]), "merge_commit_sha": merge}
            out.append((int(p.closed[i]), f"closed:{key}", "pull_request", _pr("closed", done, repo)))
    return out


def _pr(action: str, pr: dict[str, Any], repo: dict[str, Any]) -> dict[str, Any]:
    return {"action": action, "number": pr["number"], "pull_request": pr, "repository": repo, "sender": pr["user"]}


def _deployment_events(d: Deployments, incidents: Incidents) -> list[Event]:
    """A bad deployment that caused an incident reported success (the incident names it); others failed."""
    broke = np.zeros(len(d.service), dtype=bool)
    broke[incidents.cause[incidents.cause >= 0]] = True
    out: list[Event] = []
    for i in range(len(d.service)):
        repo = _repo(int(d.service[i]))
        environment = "production" if d.production[i] else "staging"
        deployment = {
            "id": DEPLOYMENT_IDS + i,
            "sha": bytes(d.sha[i]).decode(),
            "ref": "main",
            "task": "deploy",
            "environment": environment,
            "created_at": _iso(d.started[i]),
            "updated_at": _iso(d.started[i]),
            "creator": {"login": "acme-deploy-bot"},
        }
        out.append((int(d.started[i]), f"deployment:{i}", "deployment", {"action": "created",
                    "deployment": deployment, "repository": repo}))  # fmt: skip
        state = "failure" if d.failed[i] and not broke[i] else "success"
        status = {"id": 900_000_000 + i, "state": state, "environment": environment}
        status |= {"created_at": _iso(d.finished[i]), "updated_at": _iso(d.finished[i])}
        body = {"action": "created", "deployment_status": status, "deployment": deployment, "repository": repo}
        out.append((int(d.finished[i]), f"deployment_status:{i}", "deployment_status", body))
    return out


def _incident_events(incidents: Incidents, d: Deployments) -> list[Event]:
    out: list[Event] = []
    for i in range(len(incidents.service)):
        repo = _repo(int(incidents.service[i]))
        cause = int(incidents.cause[i])
        text = f"Root cause: {bytes(d.sha[cause]).decode()}" if cause >= 0 else "No deployment involved."
        labels = [{"name": "incident"}, {"name": SEVERITIES[int(incidents.severity[i])]}]
        issue = {
            "number": 5000 + i,
            "title": f"Incident {i + 1}: {SEVERITIES[int(incidents.severity[i])]} on {repo['name']}",
            "body": text,
            "state": "open",
            "labels": labels,
            "created_at": _iso(incidents.opened[i]),
            "updated_at": _iso(incidents.opened[i]),
            "closed_at": None,
            "assignees": [],
        }
        key = f"{repo['full_name']}#{issue['number']}"
        out.append((int(incidents.opened[i]), f"issue:{key}", "issues", {"action": "opened", "issue": issue,
                    "repository": repo}))  # fmt: skip
        if incidents.resolved[i] >= 0:
            at = _iso(incidents.resolved[i])
            closed = issue | {"state": "closed", "closed_at": at, "updated_at": at}
            body = {"action": "closed", "issue": closed, "repository": repo}
            out.append((int(incidents.resolved[i]), f"issue-closed:{key}", "issues", body))
    return out
