"""GitLab webhook payloads (`object_kind`) -> partial records of the canonical tables.

Merge-request hooks carry no `merged_at`: a merged MR's merge time is the hook's
`updated_at` when `state` is merged. Deployment hooks carry only `short_sha` and
`commit_url`; the full SHA is the URL's last segment. Keys and text values are
stripped of stray whitespace first (an old GitLab docs example has `"state ": "merged "`).
"""

from __future__ import annotations

from typing import Any

from headway.delivery.github import ROOT_CAUSE, UnknownEvent, change_key, deployment_key, pushed_commits, work_type
from headway.delivery.inbox import Record
from headway.delivery.times import iso, utc

EVENTS = ("push", "merge_request", "pipeline", "build", "job", "deployment", "issue", "release", "tag_push")
ZERO_SHA = "0" * 40


def stripped(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k).strip(): stripped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [stripped(v) for v in value]
    return value.strip() if isinstance(value, str) else value


def records(kind: str, payload: dict[str, Any], incident_labels: list[str]) -> list[Record]:
    payload = stripped(payload)
    match kind:
        case "push":
            return _push(payload)
        case "merge_request":
            return [_merge_request(payload)]
        case "deployment":
            return [_deployment(payload)]
        case "issue":
            return [_issue(payload, incident_labels)]
        case "pipeline" | "build" | "job" | "release" | "tag_push":
            return []  # known and kept raw; deployments arrive as `deployment` hooks
        case _:
            raise UnknownEvent(kind)


def _repo(payload: dict[str, Any]) -> str:
    project = payload.get("project") or {}
    return str(project.get("path_with_namespace") or payload.get("project_name") or "unknown/unknown")


def _push(payload: dict[str, Any]) -> list[Record]:
    ref = str(payload.get("ref") or "")
    if not ref.startswith("refs/heads/") or payload.get("after") == ZERO_SHA:
        return []
    return pushed_commits(_repo(payload), ref, payload.get("before"), payload.get("commits") or [], _author)


def _author(commit: dict[str, Any]) -> Any:
    return (commit.get("author") or {}).get("name")


def _merge_request(payload: dict[str, Any]) -> Record:
    attrs = payload["object_attributes"]
    repo = _repo(payload)
    state = str(attrs.get("state") or "")
    merged = state == "merged"
    labels = [label.get("title", "") for label in payload.get("labels") or attrs.get("labels") or []]
    data: dict[str, Any] = {
        "provider": "gitlab",
        "repo": repo,
        "number": attrs.get("iid"),
        "title": attrs.get("title"),
        "author": (payload.get("user") or {}).get("username"),
        "state": "merged" if merged else ("closed" if state == "closed" else "open"),
        "opened_at": iso(utc(attrs.get("created_at"))),
        "head_sha": (attrs.get("last_commit") or {}).get("id"),
        "head_ref": attrs.get("source_branch"),
        "labels": ",".join(sorted(labels)),
        "_version": iso(utc(attrs.get("updated_at"))),
    }
    if merged:
        data["merged_at"] = iso(utc(attrs.get("merged_at") or attrs.get("updated_at")))
        data["closed_at"] = data["merged_at"]
        data["merge_sha"] = attrs.get("merge_commit_sha") or attrs.get("squash_commit_sha")
    elif state == "closed":
        data["closed_at"] = iso(utc(attrs.get("closed_at") or attrs.get("updated_at")))
    return Record("changes", change_key("gitlab", repo, attrs.get("iid")), data)


def _deployment(payload: dict[str, Any]) -> Record:
    status = str(payload.get("status") or "")
    url = str(payload.get("commit_url") or "")
    tail = url.rstrip("/").rsplit("/", 1)[-1]
    sha = tail if len(tail) == 40 else payload.get("short_sha")
    data: dict[str, Any] = {
        "provider": "gitlab",
        "repo": _repo(payload),
        "environment": payload.get("environment"),
        "sha": sha,
        "result": "failed" if status in ("failed", "canceled") else status,
    }
    at = iso(utc(payload.get("status_changed_at")))
    if status == "running":
        data["started_at"] = at
    elif status in ("success", "failed", "canceled"):
        data["finished_at"] = at
    return Record("deployments", deployment_key("gitlab", payload.get("deployment_id")), data)


def _issue(payload: dict[str, Any], incident_labels: list[str]) -> Record:
    attrs = payload["object_attributes"]
    repo = _repo(payload)
    labels = [label.get("title", "") for label in payload.get("labels") or []]
    closed = attrs.get("state") == "closed"
    key = f"gitlab:{repo}#{attrs.get('iid')}"
    is_incident = set(labels) & set(incident_labels) or str(attrs.get("issue_type") or attrs.get("type")) == "incident"
    if is_incident:
        cause = ROOT_CAUSE.search(str(attrs.get("description") or ""))
        return Record(
            "incidents",
            key,
            {
                "provider": "gitlab",
                "repo": repo,
                "title": attrs.get("title"),
                "severity": attrs.get("severity"),
                "opened_at": iso(utc(attrs.get("created_at"))),
                "resolved_at": iso(utc(attrs.get("closed_at"))) if closed else None,
                "root_cause_sha": cause.group(1).lower() if cause else None,
            },
        )
    return Record(
        "work_items",
        key,
        {
            "provider": "gitlab",
            "repo": repo,
            "type": work_type(labels),
            "title": attrs.get("title"),
            "status": "done" if closed else "open",
            "status_history": [["done" if closed else "open", iso(utc(attrs.get("updated_at")))]],
            "created_at": iso(utc(attrs.get("created_at"))),
            "done_at": iso(utc(attrs.get("closed_at"))) if closed else None,
        },
    )
