"""Which production deployment shipped which change, by git range, merge order or deploy time.

- `git_range`: the commit graph is known (pushes or `ingest git`): the ancestors of this
  deployment's SHA minus those of the previous successful deployment of the same service and
  environment.
- `merge_order`: no graph, but the deployed SHA is a known merge: the changes merged after the
  previous deployment's merge and up to this one.
- `deploy_time`: neither: the changes merged after the previous deployment and before this one
  started.
The first deployment seen attributes nothing: its changes are `unattributed` (their history is
unknown), never guessed.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from headway.delivery.times import hours

Row = dict[str, Any]
NEVER = dt.datetime.max.replace(tzinfo=dt.UTC)


class Graph:
    """The commit graph per repository, for git ranges; short SHAs resolve by unique prefix."""

    def __init__(self, commits: list[Row]):
        self.parents: dict[tuple[str, str], list[str]] = {}
        self.by_repo: dict[str, list[str]] = defaultdict(list)
        self.commits: dict[tuple[str, str], Row] = {}
        self.by_ref: dict[tuple[str, str], list[Row]] = defaultdict(list)  # commits pushed to a branch
        for commit in commits:
            if commit.get("ref"):
                self.by_ref[(commit["repo"], commit["ref"])].append(commit)
            key = (commit["repo"], commit["sha"])
            self.parents[key] = [p for p in str(commit.get("parents") or "").split() if p]
            self.by_repo[commit["repo"]].append(commit["sha"])
            self.commits[key] = commit

    def resolve(self, repo: str, sha: str | None) -> str | None:
        if not sha:
            return None
        if (repo, sha) in self.parents:
            return sha
        if len(sha) >= 40:  # a full SHA is nobody's prefix: not in the graph
            return None
        found = [s for s in self.by_repo.get(repo, []) if s.startswith(sha)]
        return found[0] if len(found) == 1 else None

    def ancestors(self, repo: str, sha: str) -> set[str]:
        seen, todo = set(), [sha]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo.extend(self.parents.get((repo, current), []))
        return seen


def first_commit(change: Row, graph: Graph) -> None:
    """Lead time starts at the change's own first commit; after a squash only the branch push shows it."""
    if change.get("first_commit_at") is not None:
        return
    end = change.get("merged_at") or NEVER
    pushed = graph.by_ref.get((change.get("repo") or "", change.get("head_ref") or ""), [])
    times = [c["authored_at"] for c in pushed if c.get("authored_at") and c["authored_at"] <= end]
    change["first_commit_at"] = min(times) if times else change.get("opened_at")


class Candidates:
    """A service's merged changes in merge order, found by SHA (merge, then head) or by merge time."""

    def __init__(self, changes: list[Row]):
        self.changes = changes
        self.times = [c["merged_at"] for c in changes]
        self.by_sha: dict[str, Row] = {}
        for change in changes:
            for sha in (change.get("merge_sha"), change.get("head_sha")):
                if sha:
                    self.by_sha.setdefault(sha, change)
        self.short = [s for s in self.by_sha if len(s) < 40]

    def find(self, sha: str | None) -> Row | None:
        """The change a SHA is the merge (or head) of; short SHAs match by prefix, either way round."""
        if not sha:
            return None
        found = self.by_sha.get(sha)
        if found is not None:
            return found
        keys = self.by_sha if len(sha) < 40 else self.short
        return next((self.by_sha[k] for k in keys if k.startswith(sha) or sha.startswith(k)), None)

    def between(self, low: Any, high: Any) -> list[Row]:
        """Changes merged in (low, high]; low None means from the start."""
        first = 0 if low is None else bisect.bisect_right(self.times, low)
        return self.changes[first : bisect.bisect_right(self.times, high)]


def attribute(changes: list[Row], deployments: list[Row], graph: Graph) -> list[Row]:
    """Set each merged change's shipping deployment; return the deployment_changes rows."""
    merged = sorted((c for c in changes if c.get("merged_at")), key=lambda c: c["merged_at"])
    indexes = _candidates(merged)
    links: list[Row] = []
    for group in production_groups(deployments).values():
        previous: Row | None = None
        for deployment in group:
            deployment["changes"] = 0
            if deployment["result"] != "success":
                continue
            candidates = indexes(deployment["service"], deployment.get("repo") or "")
            cutoff, shipped, how = _range(deployment, previous, candidates, graph)
            deployment["cutoff"] = cutoff
            if previous is None:
                deployment["attribution"] = "first_deployment"
                for change in shipped:
                    change.setdefault("attribution", "unattributed")
            else:
                deployment["attribution"] = how
                for change in shipped:
                    if change.get("deployment_id") is None and change.get("attribution") != "unattributed":
                        links.append(_ship(change, deployment, how))
            previous = deployment
    for change in changes:
        if change.get("merged_at") and not change.get("attribution"):
            change["attribution"] = "not_deployed"
    return links


def _candidates(merged: list[Row]) -> Callable[[str, str], Candidates]:
    """The changes a deployment of (service, repo) can ship: its service's, plus its repository's.

    A monorepo split by path (`owner/repo:path/**` keys) deploys as one repository: the deployment
    is the repository's service, and its git range holds the changes of every path service in it.
    """
    by_service: dict[str, list[Row]] = defaultdict(list)
    by_repo: dict[str, list[Row]] = defaultdict(list)
    for change in merged:
        by_service[change["service"]].append(change)
        by_repo[change.get("repo") or ""].append(change)
    found: dict[tuple[str, str], Candidates] = {}

    def lookup(service: str, repo: str) -> Candidates:
        if (service, repo) not in found:
            rows = {id(c): c for c in [*by_service.get(service, []), *by_repo.get(repo, [])]}
            found[(service, repo)] = Candidates(sorted(rows.values(), key=lambda c: c["merged_at"]))
        return found[(service, repo)]

    return lookup


def production_groups(deployments: list[Row]) -> dict[tuple[str, str], list[Row]]:
    groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for deployment in deployments:
        if deployment["is_production"] and deployment.get("finished_at") is not None:
            groups[(deployment["service"], deployment.get("environment") or "")].append(deployment)
    for group in groups.values():
        group.sort(key=lambda d: (d["finished_at"], d["deployment_id"]))
    return groups


def _range(deployment: Row, previous: Row | None, candidates: Candidates, graph: Graph) -> tuple[Any, list[Row], str]:
    """(cutoff merge time, changes in this deployment's range, how the range was found)."""
    repo = deployment.get("repo") or ""
    head = graph.resolve(repo, deployment.get("sha"))
    before = graph.resolve(repo, previous.get("sha")) if previous else None
    if head is not None and (previous is None or before is not None):
        inside = graph.ancestors(repo, head) - (graph.ancestors(repo, before) if before else set())
        found = {id(c): c for c in (candidates.find(s) for s in inside) if c is not None}
        shipped = sorted(found.values(), key=lambda c: c["merged_at"])
        cutoff = max((c["merged_at"] for c in shipped), default=previous["cutoff"] if previous else None)
        return cutoff, shipped, "git_range"
    low = previous["cutoff"] if previous else None
    exact = candidates.find(deployment.get("sha"))
    if exact is not None:
        cutoff, how = exact["merged_at"], "merge_order"
    else:
        cutoff, how = deployment.get("started_at") or deployment["finished_at"], "deploy_time"
    if low is not None and cutoff < low:  # an older SHA (a rollback) ships nothing new
        return low, [], how
    return cutoff, candidates.between(low, cutoff), how


def _ship(change: Row, deployment: Row, how: str) -> Row:
    change["deployment_id"] = deployment["deployment_id"]
    change["deployed_at"] = deployment["finished_at"]
    change["attribution"] = how
    change["lead_time_hours"] = hours(change.get("first_commit_at"), deployment["finished_at"])
    deployment["changes"] += 1
    return {
        "link_id": f"{deployment['deployment_id']}|{change['change_id']}",
        "deployment_id": deployment["deployment_id"],
        "change_id": change["change_id"],
        "service": deployment["service"],
        "team": deployment.get("team"),
        "environment": deployment.get("environment"),
        "deployed_at": deployment["finished_at"],
        "how": how,
        "lead_time_hours": change["lead_time_hours"],
    }
