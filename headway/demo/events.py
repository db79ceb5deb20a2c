"""Write the event stream: one Parquet file per month, rows sorted by timestamp.

Sign-up related events are generated once for the whole timeline and split
by month; usage events are generated month by month, so memory stays
bounded by one month. Planted effect 6 is applied here: on 2026-08-14 no
events from the iOS or Android apps arrive (a tracking outage).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa

from headway.demo.columns import from_matrix, uuid_matrix
from headway.demo.eventrows import ANDROID, IOS, Names, concat, select, to_table
from headway.demo.output import write_parquet
from headway.demo.sessions import World, month_events
from headway.demo.signups import signup_events
from headway.demo.timeline import OUTAGE, US_PER_DAY, epoch_day, stream

Progress = Callable[[str, float], None]


def write_events(
    world: World, user_ids: pa.Array, account_ids: pa.Array, target: Path, seed: int, progress: Progress
) -> dict[str, int]:
    """Write data/events/events-YYYY-MM.parquet; return the row count per file."""
    tl = world.tl
    extras, n_visitors = signup_events(world, stream(seed, "signups"))
    names = Names(
        users=user_ids,
        anonymous=from_matrix(uuid_matrix(stream(seed, "anonymous_ids"), world.users.n + n_visitors)),
        accounts=account_ids,
    )
    order = np.argsort(extras["ts"], kind="stable")
    extras = select(extras, order)
    months = tl.months()
    counts: dict[str, int] = {}
    for i, (label, first, stop) in enumerate(months):
        progress(f"events {label}", i / len(months))
        rng = stream(seed, f"events-{label}")
        lo, hi = np.searchsorted(extras["ts"], [tl.us(first), tl.us(stop)])
        batch = concat([month_events(world, first, stop, rng), select(extras, np.arange(lo, hi))])
        batch = select(batch, _kept_sorted(batch))
        table = to_table(batch, names, rng)
        name = f"events/events-{label}.parquet"
        write_parquet(table, target / "data" / name)
        counts[name] = table.num_rows
    return counts


def _kept_sorted(batch: dict[str, np.ndarray]) -> np.ndarray:
    """Row order by time, without the mobile events lost in the tracking outage."""
    day = batch["ts"] // US_PER_DAY
    mobile = (batch["source"] == IOS) | (batch["source"] == ANDROID)
    keep = np.flatnonzero(~(mobile & (day == epoch_day(OUTAGE))))
    return keep[np.argsort(batch["ts"][keep], kind="stable")]
