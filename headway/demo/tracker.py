"""The demo's work items as a Jira CSV export, the file `headway ingest jira` reads.

Columns are Jira's export names (Issue key, Issue Type, Summary, Status, Component/s, Created,
Resolved, Sprint, Story Points, Assignee; the component is the service the item is for) plus
three a Jira admin adds as custom fields: Team, Start date (moved to In Progress), and Sprint
start / Sprint end, since Jira's own export carries sprint names but not their dates. An item
planned before its sprint began was created before the sprint start, which is how the importer
tells committed work from mid-sprint additions.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

from headway.demo.org import AUTHORS_PER_TEAM, ENGINEERING, SERVICES, authors
from headway.demo.timeline import US_PER_DAY
from headway.demo.work import SPRINT_DAYS

EXPORT = "data/delivery/jira-issues.csv"
ISSUE_TYPES = ("Story", "Bug", "Tech debt")  # work.TYPES as Jira names them
HEADER = [
    "Issue key", "Issue Type", "Summary", "Status", "Team", "Component/s", "Assignee", "Created", "Start date",
    "Resolved", "Sprint", "Sprint start", "Sprint end", "Story Points",
]  # fmt: skip


def write_export(target: Path, items: dict[str, np.ndarray]) -> int:
    """One row per work item; returns how many."""
    path = target / EXPORT
    path.parent.mkdir(parents=True, exist_ok=True)
    handles = authors()
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        for i in range(len(items["team"])):
            team, kind = int(items["team"][i]), int(items["kind"][i])
            done = int(items["done"][i])
            sprint: list[str] = ["", "", ""]
            if items["in_sprint"][i]:
                start = int(items["sprint_start"][i])
                label = dt.date(1970, 1, 1) + dt.timedelta(days=start)
                sprint = [f"{ENGINEERING[team]} {label:%Y-%m-%d}", _iso(start * US_PER_DAY)]
                sprint.append(_iso((start + SPRINT_DAYS) * US_PER_DAY))  # the Saturday after the second Friday, 00:00
            writer.writerow(
                [
                    f"{ENGINEERING[team][:3].upper()}-{i + 1}",
                    ISSUE_TYPES[kind],
                    f"{ISSUE_TYPES[kind]} {i + 1}",
                    "Done" if done >= 0 else "In Progress",
                    ENGINEERING[team],
                    SERVICES[team],  # each team owns the service at its position (org.py)
                    handles[team * AUTHORS_PER_TEAM + i % AUTHORS_PER_TEAM],
                    _iso(int(items["created"][i])),
                    _iso(int(items["started"][i])),
                    _iso(done) if done >= 0 else "",
                    *sprint,
                    int(items["points"][i]),
                ]
            )
    return len(items["team"])


def _iso(us: int) -> str:
    return dt.datetime.fromtimestamp(us / 1_000_000, dt.UTC).isoformat().replace("+00:00", "Z")
