"""Deployments and incidents, per service.

Planted effect 4: failed production deployments cause most incidents. About
two in three failed production deployments open an incident shortly after
they finish (`caused_by_deployment_id` set); a smaller stream of incidents has
no deployment behind it. Most failed deployments are rolled back: a
successful `is_rollback` deployment of the last good SHA.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from headway.demo.columns import booleans, choice, doubles, from_matrix, hex_matrix, ids, take, timestamps
from headway.demo.org import DEPLOYS_PER_DAY, ENGINEERING, FAIL_RATE, SERVICES, engineering_busy
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

    def table(self) -> pa.Table:
        return pa.table(
            {
                "deployment_id": ids("dep_", len(self.service), 6),
                "service": take(SERVICES, self.service),
                "team": take(ENGINEERING, self.service),
                "environment": take(ENVIRONMENTS, (~self.production).astype(np.int64)),
                "sha": from_matrix(self.sha),
                "result": take(RESULTS, self.failed.astype(np.int64)),
                "started_at": timestamps(self.started),
                "finished_at": timestamps(self.finished),
                "is_rollback": booleans(self.rollback),
            }
        )


def deployments(tl: Timeline, rng: np.random.Generator) -> Deployments:
    busy = engineering_busy(tl.busy)[:, None]
    prod = _planned(tl, rng.poisson(DEPLOYS_PER_DAY[None, :] * busy), True, rng)
    staging = _planned(tl, rng.poisson(2 * DEPLOYS_PER_DAY[None, :] * busy), False, rng)
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


def incidents_table(tl: Timeline, deps: Deployments, rng: np.random.Generator) -> pa.Table:
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
    still_open = resolved >= tl.end_us
    keep = opened < tl.end_us
    order = np.flatnonzero(keep)[np.argsort(opened[keep], kind="stable")]
    deployment_ids = ids("dep_", len(deps.service), 6)
    return pa.table(
        {
            "incident_id": ids("inc_", len(order), 5),
            "service": take(SERVICES, service[order]),
            "team": take(ENGINEERING, service[order]),
            "severity": take(SEVERITIES, severity[order]),
            "opened_at": timestamps(opened[order]),
            "resolved_at": timestamps(resolved[order], null=still_open[order]),
            "hours_to_resolve": doubles(np.where(still_open, np.nan, hours)[order]),
            "caused_by_deployment_id": take(deployment_ids, cause[order]),
        }
    )
