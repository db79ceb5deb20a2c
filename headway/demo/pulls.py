"""Pull requests: coded on a branch, opened, reviewed, then merged (or closed unmerged).

Which deployment shipped a pull request, and so its lead time, is not decided here:
the demo sends these pull requests as GitHub webhook deliveries and Headway's own
attribution (headway/delivery/derive.py) works it out from the deployments' SHAs,
exactly as for a real repository. Bigger pull requests wait longer for review; their
size has no influence on anything customers say (planted effect 3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from headway.demo.columns import choice, hex_matrix, lognormal
from headway.demo.org import AUTHORS_PER_TEAM, PRS_PER_DAY, engineering_busy
from headway.demo.timeline import US_PER_S, Timeline

HOUR_US = 3600 * US_PER_S
LABELS = ("feature", "bug", "chore", "dependencies", "feature,breaking-change")
LABEL_SHARE = (0.5, 0.25, 0.13, 0.09, 0.03)
UNMERGED = 0.07  # closed without merging
NONE = -1  # a time that has not happened (or not before the timeline's end)


@dataclass(frozen=True)
class Pulls:
    """One entry per pull request, in the order opened; times in microseconds, NONE when absent."""

    service: np.ndarray  # index into org.SERVICES (one repository each)
    number: np.ndarray  # the pull request's number in its repository, 1, 2, ... in the order opened
    author: np.ndarray  # index into org.authors()
    first_commit: np.ndarray
    opened: np.ndarray
    review: np.ndarray
    merged: np.ndarray
    closed: np.ndarray  # merged, or closed unmerged
    additions: np.ndarray
    deletions: np.ndarray
    labels: np.ndarray  # index into LABELS
    branch_sha: np.ndarray  # (n, 40) the branch's first commit
    head_sha: np.ndarray  # (n, 40) the branch's last commit
    merge_sha: np.ndarray  # (n, 40) the merge commit on main

    def merges(self, service: int) -> tuple[np.ndarray, np.ndarray]:
        """(merge times ascending, their row numbers) of one service's merged pull requests."""
        rows = np.flatnonzero((self.service == service) & (self.merged != NONE))
        rows = rows[np.argsort(self.merged[rows], kind="stable")]
        return self.merged[rows], rows


def pull_requests(tl: Timeline, rng: np.random.Generator) -> Pulls:
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
    unmerged = rng.random(n) < UNMERGED
    author = team * AUTHORS_PER_TEAM + rng.integers(0, AUTHORS_PER_TEAM, n)
    labels = choice(rng, LABEL_SHARE, n)
    closed = np.where(unmerged, review + _hours(lognormal(rng, 20.0, 1.0, n)), merged)
    shas = hex_matrix(rng, 3 * n, 40)
    end = tl.end_us
    order = np.argsort(opened, kind="stable")
    number = np.empty(n, dtype=np.int64)
    for service in np.unique(team):
        mine = order[team[order] == service]
        number[mine] = np.arange(1, len(mine) + 1)
    columns = {
        "service": team,
        "number": number,
        "author": author,
        "first_commit": first_commit,
        "opened": opened,
        "review": np.where(review < end, review, NONE),
        "merged": np.where(~unmerged & (merged < end), merged, NONE),
        "closed": np.where(closed < end, closed, NONE),
        "additions": additions.astype(np.int64),
        "deletions": deletions.astype(np.int64),
        "labels": labels,
        "branch_sha": shas[:n],
        "head_sha": shas[n : 2 * n],
        "merge_sha": shas[2 * n :],
    }
    return Pulls(**{key: value[order] for key, value in columns.items()})


def _hours(hours: np.ndarray) -> np.ndarray:
    return (hours * HOUR_US).astype(np.int64)
