"""Deployments and incidents, per service.

A deployment ships the newest pull request merged into its service before it started: its
SHA is that pull request's merge SHA (a fresh SHA, a direct commit, when nothing was merged
since the service's previous deployment), so Headway's own attribution finds what it shipped.

Planted effect 4: bad production deployments cause most incidents. About two in three bad
production deployments report success and then open an incident a few minutes after they
finish, naming the deployment's SHA as its root cause; the other bad ones fail outright. A
smaller stream of incidents has no deployment behind it. Most bad deployments are rolled back:
a redeploy of the last good SHA.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from headway.demo.columns import choice, hex_matrix
from headway.demo.org import DEPLOYS_PER_DAY, FAIL_RATE, SERVICES, engineering_busy
from headway.demo.pulls import Pulls
from headway.demo.timeline import S_PER_DAY, US_PER_S, Timeline

MINUTE_US = 60 * US_PER_S
HOUR_US = 60 * MINUTE_US
INCIDENT_AFTER_FAILURE = 0.65
ROLLBACK_AFTER_FAILURE = 0.7
BACKGROUND_INCIDENTS_PER_DAY = 0.1
SEVERITIES = ("sev1", "sev2", "sev3")
RESOLVE_HOURS = np.array([1.5, 4.0, 12.0])
ENVIRONMENTS = ("production", "staging")
RESULTS = ("success", "failed")


@dataclass(frozen=True)
class Deployments:
    service: np.ndarray
    production: np.ndarray
    failed: np.ndarray
    rollback: np.ndarray
    started: np.ndarray
    finished: np.ndarray
    sha: np.ndarray  # (rows, 40) characters


def deployments(tl: Timeline, pulls: Pulls, rng: np.random.Generator) -> Deployments:
    busy = engineering_busy(tl.busy)[:, None]
    prod = _planned(tl, rng.poisson(DEPLOYS_PER_DAY[None, :] * busy), True, rng)
    staging = _planned(tl, rng.poisson(2 * DEPLOYS_PER_DAY[None, :] * busy), False, rng)
    for planned in (prod, staging):
        _ship_merges(planned, pulls)
    parts = [prod, staging, _rollbacks(prod, rng)]
    merged = {key: np.concatenate([p[key] for p in parts]) for key in prod}
    merged = {key: value[merged["finished"] < tl.end_us] for key, value in merged.items()}
    order = np.argsort(merged["started"], kind="stable")
    return Deployments(**{key: value[order] for key, value in merged.items()})


def _planned(tl: Timeline, counts: np.ndarray, production: bool, rng: np.random.Generator) -> dict[str, np.ndarray]:
    day, service = np.nonzero(counts)
    repeat = counts[day, service]
    day, service = np.repeat(day, repeat), np.repeat(service, repeat)
    n = len(day)
    started = tl.us(day, rng.integers(7 * 3600, 20 * 3600, n))
    minutes = np.where(service == SERVICES.index("mobile-app"), rng.uniform(30, 60, n), rng.uniform(4, 25, n))
    fail = FAIL_RATE[service] if production else np.full(n, 0.15)
    order = np.lexsort((started, service))
    return {
        "service": service[order],
        "production": np.full(n, production),
        "failed": (rng.random(n) < fail)[order],
        "rollback": np.zeros(n, dtype=bool),
        "started": started[order],
        "finished": (started + (minutes * MINUTE_US).astype(np.int64))[order],
        "sha": hex_matrix(rng, n, 40),
    }


def _ship_merges(planned: dict[str, np.ndarray], pulls: Pulls) -> None:
    """Each deployment's SHA: the newest merge of its service before it started (rows sorted by service, time)."""
    for service in range(len(SERVICES)):
        rows = np.flatnonzero(planned["service"] == service)
        times, merged_rows = pulls.merges(service)
        at = np.searchsorted(times, planned["started"][rows], side="right") - 1
        newest = np.where(at >= 0, merged_rows[np.maximum(at, 0)], -1)
        # nothing merged since this service's previous deployment: a direct commit, not a redeploy
        fresh = (newest >= 0) & (newest != np.concatenate([[-1], newest[:-1]]))
        planned["sha"][rows[fresh]] = pulls.merge_sha[newest[fresh]]


def _rollbacks(prod: dict[str, np.ndarray], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Redeploy the last good SHA of the same service after most failures (rows are sorted by service, time)."""
    n = len(prod["service"])
    index = np.arange(n)
    good = np.where(~prod["failed"], index, -1)
    last_good = np.maximum.accumulate(np.concatenate([[-1], good[:-1]])) if n else good
    same_service = last_good >= 0
    same_service[same_service] = prod["service"][last_good[same_service]] == prod["service"][same_service]
    pick = np.flatnonzero(prod["failed"] & same_service & (rng.random(n) < ROLLBACK_AFTER_FAILURE))
    started = prod["finished"][pick] + (rng.uniform(5, 30, len(pick)) * MINUTE_US).astype(np.int64)
    return {
        "service": prod["service"][pick],
        "production": np.ones(len(pick), dtype=bool),
        "failed": np.zeros(len(pick), dtype=bool),
        "rollback": np.ones(len(pick), dtype=bool),
        "started": started,
        "finished": started + (rng.uniform(3, 10, len(pick)) * MINUTE_US).astype(np.int64),
        "sha": prod["sha"][last_good[pick]],
    }


@dataclass(frozen=True)
class Incidents:
    """Incidents in the order opened; `cause` is the deployment row that caused one, or -1."""

    service: np.ndarray
    severity: np.ndarray  # index into SEVERITIES
    opened: np.ndarray
    resolved: np.ndarray  # -1 while open at the timeline's end
    cause: np.ndarray


def incidents(tl: Timeline, deps: Deployments, rng: np.random.Generator) -> Incidents:
    failed = np.flatnonzero(deps.failed & deps.production)
    caused = failed[rng.random(len(failed)) < INCIDENT_AFTER_FAILURE]
    caused_at = deps.finished[caused] + ((2 + rng.exponential(25, len(caused))) * MINUTE_US).astype(np.int64)
    per_day = rng.poisson(BACKGROUND_INCIDENTS_PER_DAY, tl.n_days)
    day = np.repeat(np.arange(tl.n_days), per_day)
    background_at = tl.us(day, rng.integers(0, S_PER_DAY, len(day)))
    service = np.concatenate([deps.service[caused], choice(rng, (0.3, 0.35, 0.2, 0.15), len(day))])
    opened = np.concatenate([caused_at, background_at])
    cause = np.concatenate([caused, np.full(len(day), -1)])
    severity = np.concatenate([choice(rng, (0.1, 0.45, 0.45), len(caused)), choice(rng, (0.05, 0.3, 0.65), len(day))])
    hours = RESOLVE_HOURS[severity] * np.exp(0.8 * rng.standard_normal(len(opened)))
    resolved = opened + (hours * HOUR_US).astype(np.int64)
    keep = opened < tl.end_us
    order = np.flatnonzero(keep)[np.argsort(opened[keep], kind="stable")]
    return Incidents(
        service=service[order],
        severity=severity[order],
        opened=opened[order],
        resolved=np.where(resolved < tl.end_us, resolved, -1)[order],
        cause=cause[order],
    )
