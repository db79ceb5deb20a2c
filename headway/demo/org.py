"""Acme's engineering organisation: teams, the services they own, and their people."""

from __future__ import annotations

import numpy as np

from headway.demo.billing import FIRST, LAST

TEAMS = ("growth", "platform", "billing", "mobile", "data", "support")
ENGINEERING = TEAMS[:4]  # each owns the service at the same position
SERVICES = ("web-app", "api", "billing-service", "mobile-app")
REPOS = tuple(f"acme/{service}" for service in SERVICES)
HEADCOUNT = (9, 8, 6, 7, 5, 10)  # people per team when the timeline opens
DEPLOYS_PER_DAY = np.array([3.0, 2.2, 0.9, 0.45])  # production deployments on a busy weekday
FAIL_RATE = np.array([0.09, 0.11, 0.12, 0.16])  # production deployments that fail
PRS_PER_DAY = np.array([4.5, 3.5, 2.0, 2.2])  # pull requests opened on a busy weekday
AUTHORS_PER_TEAM = 8


def authors() -> tuple[str, ...]:
    """GitHub-style handles, AUTHORS_PER_TEAM per engineering team, in team order."""
    handles = []
    for team in range(len(ENGINEERING)):
        for k in range(AUTHORS_PER_TEAM):
            i = team * AUTHORS_PER_TEAM + k
            handles.append(f"{FIRST[i % len(FIRST)]}-{LAST[(i * 7) % len(LAST)]}")
    return tuple(handles)


def engineering_busy(busy: np.ndarray) -> np.ndarray:
    """Engineers rarely ship at weekends or over the holidays: busyness squared."""
    return busy**2
