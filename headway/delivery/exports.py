"""History from exports: GitHub REST JSON (PRs, deployments), GitLab MR JSON, tracker and incident CSVs.

CSV columns are matched by name, case and spacing ignored, against the names Jira, Linear,
PagerDuty and Opsgenie use; the first present alias wins. Every record is keyed by the
export's own id, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from headway.delivery import github, gitlab
from headway.delivery.github import work_type
from headway.delivery.inbox import Record
from headway.delivery.times import iso, utc

Records = list[tuple[str, Record]]


class ExportError(ValueError):
    """The file is not the export it was said to be; the message names what is missing."""


def _json_list(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ExportError(f"{path.name} is not JSON: {error}") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        raise ExportError(f"{path.name}: expected a JSON list of objects, as the REST API returns")
    return data


def github_prs(path: Path, repo: str) -> Records:
    """`GET /repos/{owner}/{repo}/pulls?state=all` pages, concatenated into one JSON list."""
    out = []
    for pr in _json_list(path):
        record = github.records("pull_request", {"pull_request": pr, "repository": {"full_name": repo}}, [])[0]
        out.append((f"export:{record.key}", record))
    return out


def github_deployments(path: Path, repo: str) -> Records:
    """`GET /repos/{o}/{r}/deployments`, each object with a `statuses` list from `.../statuses`."""
    out = []
    for deployment in _json_list(path):
        wrapper = {"deployment": deployment, "repository": {"full_name": repo}}
        record = github.records("deployment", wrapper, [])[0]
        out.append((f"export:{record.key}", record))
        for status in sorted(deployment.get("statuses") or [], key=lambda s: str(s.get("created_at"))):
            done = github.records("deployment_status", {**wrapper, "deployment_status": status}, [])[0]
            out.append((f"export:{done.key}:{status.get('id')}", done))
    return out


def gitlab_mrs(path: Path, repo: str) -> Records:
    """`GET /projects/:id/merge_requests?state=all` pages: merged_at and closed_at are real fields here."""
    out = []
    for mr in _json_list(path):
        attrs = dict(mr)
        attrs["labels"] = [{"title": label} if isinstance(label, str) else label for label in mr.get("labels") or []]
        attrs["last_commit"] = {"id": mr.get("sha")}
        payload = {"object_attributes": attrs, "project": {"path_with_namespace": repo}, "user": mr.get("author")}
        payload["labels"] = attrs["labels"]
        record = gitlab.records("merge_request", payload, [])[0]
        out.append((f"export:{record.key}", record))
    return out


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows keyed by normalized header. Jira repeats a header once per value of a multi-valued field
    (`Labels`, `Component/s`, `Sprint`): labels are joined, a sprint is the last one named (the item
    was carried over into it), anything else is its first non-empty value."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [_norm(name) for name in next(reader, [])]
        if not any(header):
            raise ExportError(f"{path.name} has no header row")
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # a blank line, as csv.DictReader skips it
            values: dict[str, list[str]] = {}
            for name, cell in zip(header, cells, strict=False):
                if cell.strip():
                    values.setdefault(name, []).append(cell.strip())
            row = {name: found[0] for name, found in values.items()}
            if "labels" in values:
                row["labels"] = ",".join(values["labels"])
            if "sprint" in values:
                row["sprint"] = values["sprint"][-1]
            yield row


def _pick(row: dict[str, str], *aliases: str) -> str | None:
    for alias in aliases:
        value = row.get(_norm(alias))
        if value:
            return value
    return None


def incidents_csv(path: Path, repo: str | None = None) -> Records:
    """PagerDuty or Opsgenie incident exports, or any CSV with id, title, created and resolved columns."""
    out = []
    for line, row in enumerate(_rows(path), start=2):
        ident = _pick(row, "incident_number", "incident id", "id", "tinyid", "tiny id", "alias", "number")
        opened = _pick(row, "created_on", "created_at", "createdat", "created", "opened_at", "triggered_at")
        if not ident or not opened:
            raise ExportError(f"{path.name}:{line}: an incident needs an id and a created time")
        data = {
            "provider": "export",
            "repo": repo,
            "service": _pick(row, "service", "service_name", "servicename", "entity"),
            "title": _pick(row, "title", "description", "message", "summary"),
            "severity": _pick(row, "severity", "urgency", "priority"),
            "opened_at": iso(utc(opened)),
            "resolved_at": iso(utc(_pick(row, "resolved_on", "resolved_at", "resolvedat", "closed_at", "closedat"))),
            "root_cause_sha": (_pick(row, "root_cause_sha", "cause_sha", "root_cause") or "").lower() or None,
            "deployment_ref": _pick(row, "deployment_id", "deployment"),
        }
        out.append((f"export:incident:{ident}", Record("incidents", f"export:{ident}", data)))
    return out


def tracker_csv(path: Path, tracker: str) -> Records:
    """Jira ("Issue key", "Issue Type", "Sprint", "Story Points") or Linear ("ID", "Cycle Start") CSV exports.

    The service is a "Service" or Jira "Component/s" column (the name `delivery.teams` maps to a
    team when the export has no Team column). Committed at sprint start = created on or before the
    sprint's (cycle's) start; an item added later is a mid-sprint addition. Jira exports carry no
    sprint dates: sprints then come from a `sprint_start`/`sprint_end` column if present.
    """
    out: Records = []
    sprints: dict[str, dict[str, Any]] = {}
    for line, row in enumerate(_rows(path), start=2):
        ident = _pick(row, "issue key", "key", "id", "identifier")
        if not ident:
            raise ExportError(f"{path.name}:{line}: no issue key / ID column")
        team = _pick(row, "team", "project name", "project")
        sprint_name = _pick(row, "sprint", "cycle name", "cycle number", "cycle")
        sprint_start = utc(_pick(row, "cycle start", "sprint start", "sprint_start"))
        sprint_end = utc(_pick(row, "cycle end", "sprint end", "sprint_end"))
        sprint_id = f"{tracker}:{team}:{sprint_name}" if sprint_name else None
        if sprint_id and sprint_start and sprint_end:
            sprints[sprint_id] = {"team": team, "name": sprint_name, "starts_at": iso(sprint_start),
                                  "ends_at": iso(sprint_end)}  # fmt: skip
        created = utc(_pick(row, "created", "created_at"))
        done = utc(_pick(row, "completed", "resolved", "resolution date", "done", "done_at"))
        labels = [x.strip() for x in re.split(r"[,;]", _pick(row, "labels") or "") if x.strip()]
        kind = work_type([_pick(row, "issue type", "type") or "", *labels])
        points = _pick(row, "story points", "custom field (story points)", "estimate", "story point estimate")
        started = utc(_pick(row, "started", "start date", "started_at", "in progress"))
        moves = (("created", created), ("started", started), ("done", done))
        data = {
            "provider": tracker,
            "service": _pick(row, "service", "component/s", "components", "component"),
            "team": team,
            "type": kind,
            "title": _pick(row, "summary", "title"),
            "status": _pick(row, "status"),
            "status_history": [[status, iso(at)] for status, at in moves if at is not None],  # an export's dates
            "created_at": iso(created),
            "started_at": iso(started),
            "done_at": iso(done),
            "due_at": iso(utc(_pick(row, "due date", "due", "due_at"))),
            "sprint_id": sprint_id,
            "estimate_points": float(points) if points and _number(points) else None,
            "committed_at_sprint_start": bool(created and sprint_start and created <= sprint_start)
            if sprint_id
            else None,
            "assignees": _pick(row, "assignee", "assignees"),
            "found_in_production": any(x.lower() in ("production", "escaped") for x in labels)
            if kind == "bug"
            else None,
        }
        out.append((f"export:{tracker}:{ident}", Record("work_items", f"{tracker}:{ident}", data)))
    for sprint_id, data in sprints.items():
        out.append((f"export:{sprint_id}", Record("sprints", sprint_id, data)))
    return out


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
