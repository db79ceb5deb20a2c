"""GitHub webhook payloads -> partial records of the canonical tables.

Each function reads the state fields (never `action` alone) and returns only the
fields the event really carries, so a later event fills in what an earlier one lacked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from headway.delivery.inbox import Record
from headway.delivery.times import iso, utc

EVENTS = (
    "ping",
    "push",
    "pull_request",
    "pull_request_review",
    "deployment",
    "deployment_status",
    "workflow_run",
    "issues",
    "release",
)
ZERO_SHA = "0" * 40
ROOT_CAUSE = re.compile(r"root[ _-]?cause:?\s*`?([0-9a-f]{7,40})\b", re.IGNORECASE)
FAILED_STATES = {"failure", "error"}


class UnknownEvent(Exception):
    """An event this normalizer does not read; the raw delivery is kept and reported."""


def records(event: str, payload: dict[str, Any], incident_labels: list[str]) -> list[Record]:
    match event:
        case "push":
            return _push(payload)
        case "pull_request":
            return [_pull_request(payload)]
        case "pull_request_review":
            return _review(payload)
        case "deployment":
            return [_deployment(payload["deployment"], payload)]
        case "deployment_status":
            return [_deployment_status(payload)]
        case "issues":
            return [_issue(payload, incident_labels)]
        case "ping" | "workflow_run" | "release":
            return []  # known and kept raw; no canonical row (CI runs and releases are not deployments)
        case _:
            raise UnknownEvent(event)


def _repo(payload: dict[str, Any]) -> str:
    return str((payload.get("repository") or {}).get("full_name") or "unknown/unknown")


def _push(payload: dict[str, Any]) -> list[Record]:
    ref = str(payload.get("ref") or "")
    if not ref.startswith("refs/heads/") or payload.get("deleted"):
        return []
    return pushed_commits(_repo(payload), ref, payload.get("before"), payload.get("commits") or [], _author)


def _author(commit: dict[str, Any]) -> Any:
    author = commit.get("author") or {}
    return author.get("username") or author.get("name")


def pushed_commits(
    repo: str, ref: str, before: Any, commits: list[dict[str, Any]], author: Callable[[dict[str, Any]], Any]
) -> list[Record]:
    """A branch push's commits as `commits` records (GitHub's and GitLab's pushes list them alike).

    A push lists its commits oldest first: each one's parent is the one before it (or `before`).
    """
    parent = before if before != ZERO_SHA else None
    out = []
    for commit in commits:
        sha = commit["id"]
        out.append(
            Record(
                "commits",
                f"{repo}@{sha}",
                {
                    "repo": repo,
                    "sha": sha,
                    "author": author(commit),
                    "authored_at": iso(utc(commit.get("timestamp"))),
                    "committed_at": iso(utc(commit.get("timestamp"))),
                    "parents": parent or "",
                    "is_merge": False,
                    "message": str(commit.get("message") or "").split("\n", 1)[0],
                    "ref": ref.removeprefix("refs/heads/"),
                },
            )
        )
        parent = sha
    return out


def change_key(provider: str, repo: str, number: Any) -> str:
    return f"{provider}:{repo}#{number}"


def _pull_request(payload: dict[str, Any]) -> Record:
    pr = payload["pull_request"]
    repo = _repo(payload)
    merged = bool(pr.get("merged")) or pr.get("merged_at") is not None
    state = "merged" if merged else ("closed" if pr.get("state") == "closed" else "open")
    data = {
        "provider": "github",
        "repo": repo,
        "number": pr.get("number"),
        "title": pr.get("title"),
        "author": (pr.get("user") or {}).get("login"),
        "state": state,
        "opened_at": iso(utc(pr.get("created_at"))),
        "merged_at": iso(utc(pr.get("merged_at"))) if merged else None,
        "closed_at": iso(utc(pr.get("closed_at"))),
        # a closed, unmerged PR still carries the SHA of GitHub's test merge: not a merge
        "merge_sha": pr.get("merge_commit_sha") if merged else None,
        "head_sha": (pr.get("head") or {}).get("sha"),
        "head_ref": (pr.get("head") or {}).get("ref"),
        "labels": ",".join(sorted(label["name"] for label in pr.get("labels") or [])),
        "_version": iso(utc(pr.get("updated_at"))),
    }
    for field in ("additions", "deletions"):
        if pr.get(field) is not None:
            data[field] = pr[field]
    return Record("changes", change_key("github", repo, pr.get("number")), data)


def _review(payload: dict[str, Any]) -> list[Record]:
    pr, review = payload["pull_request"], payload.get("review") or {}
    reviewer = (review.get("user") or {}).get("login")
    if reviewer is None or reviewer == (pr.get("user") or {}).get("login") or not review.get("submitted_at"):
        return []  # a self-review is not a pickup
    repo = _repo(payload)
    first = iso(utc(review["submitted_at"]))
    return [Record("changes", change_key("github", repo, pr.get("number")), {"first_review_at": first})]


def deployment_key(provider: str, ident: Any) -> str:
    return f"{provider}:{ident}"


def _deployment(deployment: dict[str, Any], payload: dict[str, Any]) -> Record:
    return Record(
        "deployments",
        deployment_key("github", deployment["id"]),
        {
            "provider": "github",
            "repo": _repo(payload),
            "environment": deployment.get("environment"),
            "sha": deployment.get("sha"),
            "started_at": iso(utc(deployment.get("created_at"))),
        },
    )


def _deployment_status(payload: dict[str, Any]) -> Record:
    status = payload["deployment_status"]
    base = _deployment(payload["deployment"], payload)
    state = str(status.get("state") or "")
    data = dict(base.data)
    data["result"] = "failed" if state in FAILED_STATES else state
    data["_version"] = iso(utc(status.get("updated_at") or status.get("created_at")))
    if state == "success" or state in FAILED_STATES:
        data["finished_at"] = iso(utc(status.get("updated_at") or status.get("created_at")))
    return Record(base.table, base.key, data)


def _issue(payload: dict[str, Any], incident_labels: list[str]) -> Record:
    issue = payload["issue"]
    repo = _repo(payload)
    labels = [label["name"] for label in issue.get("labels") or []]
    closed = issue.get("state") == "closed"
    if set(labels) & set(incident_labels):
        cause = ROOT_CAUSE.search(str(issue.get("body") or ""))
        return Record(
            "incidents",
            f"github:{repo}#{issue['number']}",
            {
                "provider": "github",
                "repo": repo,
                "title": issue.get("title"),
                "severity": _severity(labels),
                "opened_at": iso(utc(issue.get("created_at"))),
                # a reopened issue still carries its old closed_at: only a closed one is resolved
                "resolved_at": iso(utc(issue.get("closed_at"))) if closed else None,
                "root_cause_sha": cause.group(1).lower() if cause else None,
                "_version": iso(utc(issue.get("updated_at"))),
            },
        )
    return Record(
        "work_items",
        f"github:{repo}#{issue['number']}",
        {
            "provider": "github",
            "repo": repo,
            "type": work_type(labels),
            "title": issue.get("title"),
            "status": "done" if closed else "open",
            "status_history": [["done" if closed else "open", iso(utc(issue.get("updated_at")))]],
            "created_at": iso(utc(issue.get("created_at"))),
            "done_at": iso(utc(issue.get("closed_at"))) if closed else None,
            "assignees": ",".join(sorted(a["login"] for a in issue.get("assignees") or [])),
            "found_in_production": "production" in {label.lower() for label in labels} or None,
            "_version": iso(utc(issue.get("updated_at"))),
        },
    )


def _severity(labels: list[str]) -> str | None:
    for label in labels:
        lowered = label.lower().replace("severity:", "").replace("severity/", "").strip()
        if re.fullmatch(r"(sev|s|p)[0-9]", lowered):
            return lowered
    return None


TYPE_WORDS = {
    "bug": "bug",
    "defect": "bug",
    "feature": "feature",
    "enhancement": "feature",
    "story": "feature",
    "tech debt": "tech_debt",
    "tech-debt": "tech_debt",
    "tech_debt": "tech_debt",
    "debt": "tech_debt",
    "refactor": "tech_debt",
    "maintenance": "maintenance",
    "chore": "maintenance",
    "task": "maintenance",
}


def work_type(labels: list[str]) -> str:
    """feature, bug, tech_debt, maintenance or other, from labels or a tracker's issue type."""
    for label in labels:
        found = TYPE_WORDS.get(label.strip().lower())
        if found:
            return found
    return "other"
