"""Pull requests, with the stages of change lead time.

A pull request is coded, opened, reviewed and merged, then ships with the
first successful production deployment of its service that finishes after
the merge (so `deployed_at` and `deployment_id` agree with the deployments
table). Bigger pull requests wait longer for review; their size has no
influence on anything customers say (planted effect 3).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from headway.demo.columns import choice, doubles, ids, integers, lognormal, take, timestamps
from headway.demo.delivery import HOUR_US, Deployments
from headway.demo.org import AUTHORS_PER_TEAM, ENGINEERING, PRS_PER_DAY, REPOS, SERVICES, authors, engineering_busy
from headway.demo.timeline import Timeline

LABELS = ("feature", "bug", "chore", "dependencies", "feature,breaking-change")
LABEL_SHARE = (0.5, 0.25, 0.13, 0.09, 0.03)
UNMERGED = 0.07  # closed without merging


def pull_requests_table(tl: Timeline, deps: Deployments, rng: np.random.Generator) -> pa.Table:
    counts = rng.poisson(PRS_PER_DAY[None, :] * engineering_busy(tl.busy)[:, None])
    day, team = np.nonzero(counts)
    repeat = counts[day, team]
    day, team = np.repeat(day, repeat), np.repeat(team, repeat)
    n = len(day)
    opened = tl.us(day, rng.integers(7 * 3600, 20 * 3600, n))
    additions = np.maximum(1, np.round(lognormal(rng, 70.0, 1.1, n)))
    deletions = np.round(additions * lognormal(rng, 0.35, 0.8, n))
    size = (additions + deletions) / 100.0
    first_commit = opened - _hours(lognormal(rng, 8.0, 1.0, n))
    review = opened + _hours(lognormal(rng, 3.0, 1.0, n) * size**0.15)
    merged = review + _hours(lognormal(rng, 4.0, 1.0, n) * size**0.25)
    merged = np.where(rng.random(n) < UNMERGED, -1, merged)
    shipped = _shipping_deployment(deps, team, merged)
    deployed = np.where(shipped >= 0, deps.finished[np.maximum(shipped, 0)], -1)
    end = tl.end_us
    review_missing, merge_missing = review >= end, (merged < 0) | (merged >= end)
    deploy_missing = merge_missing | (deployed < 0) | (deployed >= end)
    lead = np.where(deploy_missing, np.nan, (deployed - first_commit) / HOUR_US)
    order = np.argsort(opened, kind="stable")
    author = team * AUTHORS_PER_TEAM + rng.integers(0, AUTHORS_PER_TEAM, n)
    return pa.table(
        {
            "pr_id": ids("pr_", n, 6).take(pa.array(np.argsort(order))),
            "repo": take(REPOS, team),
            "service": take(SERVICES, team),
            "team": take(ENGINEERING, team),
            "author": take(authors(), author),
            "first_commit_at": timestamps(first_commit),
            "opened_at": timestamps(opened),
            "first_review_at": timestamps(review, null=review_missing),
            "merged_at": timestamps(np.maximum(merged, 0), null=merge_missing),
            "deployed_at": timestamps(np.maximum(deployed, 0), null=deploy_missing),
            "deployment_id": take(ids("dep_", len(deps.service), 6), np.where(deploy_missing, -1, shipped)),
            "additions": integers(additions),
            "deletions": integers(deletions),
            "lead_time_hours": doubles(lead),
            "labels": take(LABELS, choice(rng, LABEL_SHARE, n)),
        }
    ).take(pa.array(order))


def _hours(hours: np.ndarray) -> np.ndarray:
    return (hours * HOUR_US).astype(np.int64)


def _shipping_deployment(deps: Deployments, service: np.ndarray, merged: np.ndarray) -> np.ndarray:
    """Index of the first successful, non-rollback production deployment of the service after the merge, or -1."""
    out = np.full(len(service), -1, dtype=np.int64)
    ships = deps.production & ~deps.failed & ~deps.rollback
    for s in range(len(SERVICES)):
        candidates = np.flatnonzero(ships & (deps.service == s))
        candidates = candidates[np.argsort(deps.finished[candidates], kind="stable")]
        mine = np.flatnonzero((service == s) & (merged >= 0))
        at = np.searchsorted(deps.finished[candidates], merged[mine], side="right")
        found = at < len(candidates)
        out[mine[found]] = candidates[at[found]]
    return out
