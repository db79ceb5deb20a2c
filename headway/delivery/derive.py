"""Data preparation: service mapping, which deployment shipped which change, and failure links.

Every link records how it was made:
- changes -> deployment: `git_range`, `merge_order` or `deploy_time` (headway.delivery.attribution);
  the first deployment seen attributes nothing, its changes are `unattributed`.
- incident -> deployment: `root_cause_sha` (the incident names a SHA that a deployment
  shipped), `deployment_reference` (an export names the deployment), or
  `nearest_preceding_deployment` (the time rule, only when `delivery.link_incidents_by_time`
  is on); otherwise `none`: the incident counts for time to restore, not change fail rate.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from typing import Any

from headway.delivery.ages import work_item_ages
from headway.delivery.attribution import Graph, attribute, first_commit, production_groups
from headway.delivery.investment import investment
from headway.delivery.services import is_production, service_for, team_for
from headway.delivery.times import hours, utc
from headway.spec.delivery_config import DeliveryConfig

Row = dict[str, Any]
TIME_FIELDS = {
    "changes": ("first_commit_at", "opened_at", "first_review_at", "merged_at", "closed_at"),
    "commits": ("authored_at", "committed_at"),
    "deployments": ("started_at", "finished_at"),
    "incidents": ("opened_at", "resolved_at"),
    "work_items": ("created_at", "started_at", "done_at", "due_at"),
    "sprints": ("starts_at", "ends_at"),
}


def derive(folded: dict[str, dict[str, Row]], config: DeliveryConfig, timezone: str = "UTC") -> dict[str, list[Row]]:
    """The canonical tables from folded records; `timezone` is the workspace's (its calendar days)."""
    tables = {name: _rows(folded.get(name, {}), name) for name in TIME_FIELDS}
    graph = Graph(tables["commits"])
    for change in tables["changes"]:
        _place(change, config)
        first_commit(change, graph)
    for deployment in tables["deployments"]:
        _place(deployment, config)
        deployment["is_production"] = is_production(config, deployment.get("environment"))
        deployment.setdefault("result", None)
        deployment["result"] = deployment["result"] or ("success" if deployment.get("finished_at") else "in_progress")
    for incident in tables["incidents"]:
        if not incident.get("service"):
            _place(incident, config)
        else:
            incident["team"] = incident.get("team") or team_for(config, incident["service"])
        incident["hours_to_resolve"] = hours(incident.get("opened_at"), incident.get("resolved_at"))
    for item in tables["work_items"]:
        _place_item(item, config)
    for commit in tables["commits"]:
        commit["commit_id"] = f"{commit['repo']}@{commit['sha']}"
        commit["service"] = service_for(config, commit["repo"])
    links = attribute(tables["changes"], tables["deployments"], graph)
    link_incidents(tables["incidents"], tables["deployments"], tables["changes"], config)
    mark_failures(tables["deployments"])
    _stages(tables["changes"])
    _work_items(tables["work_items"], tables["sprints"])
    tables["deployment_changes"] = links
    tables["investment"] = investment(tables["work_items"], tables["changes"], timezone)
    tables["work_item_age"] = work_item_ages(tables["work_items"], timezone)
    return tables


def _rows(by_key: dict[str, Row], table: str) -> list[Row]:
    key_field = {"changes": "change_id", "deployments": "deployment_id", "incidents": "incident_id"}.get(table)
    key_field = key_field or {"work_items": "item_id", "sprints": "sprint_id", "commits": "commit_id"}[table]
    out = []
    for key, raw in by_key.items():
        row = dict(raw)
        row[key_field] = key
        for field in TIME_FIELDS[table]:
            row[field] = utc(row.get(field))
        out.append(row)
    return out


def _place(row: Row, config: DeliveryConfig) -> None:
    paths = tuple(row.get("paths") or ())
    row["service"] = service_for(config, row.get("repo") or "unknown/unknown", paths)
    row["team"] = team_for(config, row["service"])


def _place_item(item: Row, config: DeliveryConfig) -> None:
    """A work item's service: its repository's (an issue) or the tracker's component; its team, else the service's."""
    if item.get("repo") and not item.get("service"):
        item["service"] = service_for(config, item["repo"])
    if not item.get("team") and item.get("service"):
        item["team"] = team_for(config, item["service"])


def link_incidents(incidents: list[Row], deployments: list[Row], changes: list[Row], config: DeliveryConfig) -> None:
    production = [d for d in deployments if d["is_production"] and d["result"] == "success"]
    by_id = {d["deployment_id"]: d for d in deployments}
    shipped_by: dict[str, list[Row]] = defaultdict(list)
    for change in changes:
        if change.get("deployment_id"):
            shipped_by[change["deployment_id"]].append(change)
    causes = ShaIndex(production, shipped_by)
    for incident in incidents:
        found, how = None, "none"
        sha = incident.get("root_cause_sha")
        if sha:
            hits = causes.hits(sha)
            if hits:
                found, how = min(hits, key=lambda d: d["finished_at"]), "root_cause_sha"
        if found is None and incident.get("deployment_ref") in by_id:
            found, how = by_id[incident["deployment_ref"]], "deployment_reference"
        if found is None and config.link_incidents_by_time and incident.get("opened_at"):
            before = [
                d
                for d in production
                if d["service"] == incident.get("service") and d["finished_at"] <= incident["opened_at"]
            ]
            if before:
                found, how = max(before, key=lambda d: d["finished_at"]), "nearest_preceding_deployment"
        incident["deployment_id"] = found["deployment_id"] if found else None
        incident["link_how"] = how
        incident["caused_by_change"] = found is not None
        if found is not None and not found.get("failed"):
            found["failed"], found["failure_how"] = True, "incident"


class ShaIndex:
    """Production deployments a root-cause SHA points at: deployed it, or shipped a change with it.

    SHAs match by prefix either way round (GitLab sends short SHAs). Full SHAs on both sides are
    found by dictionary; only short ones are scanned, so linking stays linear in the incidents.
    """

    def __init__(self, production: list[Row], shipped_by: dict[str, list[Row]]):
        self.full: dict[str, list[Row]] = defaultdict(list)
        self.short: list[tuple[str, Row]] = []
        for deployment in production:
            shas = [deployment.get("sha")]
            for change in shipped_by.get(deployment["deployment_id"], []):
                shas.extend((change.get("merge_sha"), change.get("head_sha")))
            for sha in dict.fromkeys(s for s in shas if s):
                if len(sha) >= 40:
                    self.full[sha].append(deployment)
                else:
                    self.short.append((sha, deployment))
        self.order = {id(d): i for i, d in enumerate(production)}

    def hits(self, sha: str) -> list[Row]:
        found = {id(d): d for d in self.full.get(sha, [])}
        if len(sha) < 40:
            found.update((id(d), d) for full, rows in self.full.items() if full.startswith(sha) for d in rows)
        found.update((id(d), d) for short, d in self.short if short.startswith(sha) or sha.startswith(short))
        return sorted(found.values(), key=lambda d: self.order[id(d)])


def mark_failures(deployments: list[Row]) -> None:
    """Failed (0/1 per deployment), rollbacks, rework, and recovery, per service and environment."""
    for group in production_groups(deployments).values():
        seen: list[str] = []
        previous_ok: Row | None = None
        for deployment in group:
            if deployment["result"] == "failed":
                deployment["failed"], deployment["failure_how"] = True, "result"
            sha = deployment.get("sha") or ""
            last = seen[-1] if seen else None  # the same SHA again is a retry, not a rollback
            deployment["is_rollback"] = deployment["result"] == "success" and sha in seen and sha != last
            if deployment["is_rollback"] and previous_ok is not None and not previous_ok.get("failed"):
                previous_ok["failed"], previous_ok["failure_how"] = True, "rollback"
            if deployment["result"] == "success":
                seen.append(sha)
                previous_ok = deployment
        for earlier, later in itertools.pairwise(group):
            later["is_rework"] = bool(earlier.get("failed"))
        for index, deployment in enumerate(group):
            deployment.setdefault("is_rework", False)
            deployment["failed"] = bool(deployment.get("failed"))
            if not deployment["failed"]:
                continue
            fix = next((d for d in group[index + 1 :] if d["result"] == "success" and not d.get("failed")), None)
            deployment["recovered_at"] = fix["finished_at"] if fix else None
            deployment["recovery_hours"] = hours(deployment["finished_at"], fix["finished_at"]) if fix else None
    for deployment in deployments:
        deployment.setdefault("changes", 0)
        deployment["failed"] = bool(deployment.get("failed"))
        deployment.setdefault("is_rollback", False)
        deployment.setdefault("is_rework", False)


def _stages(changes: list[Row]) -> None:
    for change in changes:
        change["size"] = (change.get("additions") or 0) + (change.get("deletions") or 0)
        if change.get("additions") is None and change.get("deletions") is None:
            change["size"] = None
        change["coding_hours"] = hours(change.get("first_commit_at"), change.get("opened_at"))
        change["pickup_hours"] = hours(change.get("opened_at"), change.get("first_review_at"))
        change["review_hours"] = hours(change.get("first_review_at"), change.get("merged_at"))
        change["cycle_hours"] = hours(change.get("first_commit_at"), change.get("merged_at"))
        change["deploy_hours"] = hours(change.get("merged_at"), change.get("deployed_at"))
        if not change.get("merged_at"):
            change["attribution"] = "not_merged" if change.get("state") == "closed" else "open"


def _work_items(items: list[Row], sprints: list[Row]) -> None:
    ends = {s["sprint_id"]: s.get("ends_at") for s in sprints}
    sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for item in items:
        done, due = item.get("done_at"), item.get("due_at")
        item["cycle_time_days"] = (
            (hours(item.get("started_at"), done) or 0) / 24 if item.get("started_at") and done else None
        )
        item["on_time"] = (done <= due) if done and due else None
        if isinstance(item.get("status_history"), list):
            item["status_history"] = json.dumps(item["status_history"])
        sprint = item.get("sprint_id")
        if not sprint:
            continue
        points = float(item.get("estimate_points") or 0)
        end = ends.get(sprint)  # per item too, so say/do slices by the item's service as well as team
        item["sprint_ends_at"] = end
        item["completed_in_sprint"] = bool(done and end and done <= end)
        if item.get("committed_at_sprint_start"):
            sums[sprint]["committed_points"] += points
            if item["completed_in_sprint"]:
                sums[sprint]["completed_committed_points"] += points
        else:
            sums[sprint]["added_points"] += points
    for sprint in sprints:
        for field in ("committed_points", "completed_committed_points", "added_points"):
            sprint[field] = sums[sprint["sprint_id"]].get(field, 0.0)
