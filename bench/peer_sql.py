"""Six peer-style metrics over the demo's 5.2M events, written by hand in DuckDB SQL.

The shapes metric layers are usually benchmarked on: a count, a filtered sum, a count distinct,
a ratio of the two, a median, and a weekly distinct. Their Headway definitions are in
`peer_metrics.yml`, which the bench adds to a copy of the demo's spec (`peer_workspace`), never
to the demo itself. `{data}` is the demo's data folder.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hand_sql import FIRST, LAST, Case

from headway.engine import Query
from headway.spec import Grain

HERE = Path(__file__).resolve().parent
EVENTS = "read_parquet('{data}/events/*.parquet')"
# The fastest way we know to read the zoned Parquet timestamp as UTC wall-clock (~3x a plain cast,
# which looks up the zone per row). The floor gets it too, so it is a floor worth the name.
DAY = "make_timestamp(epoch_us(timestamp))::DATE"
WEEK = "date_trunc('week', make_timestamp(epoch_us(timestamp)))::DATE"

PEER_CASES = [
    Case(
        "peer: events by day (count)",
        Query("bench_events", Grain.DAY, start=FIRST, end=LAST),
        f"SELECT {DAY} AS period, count(*) AS value FROM {EVENTS} GROUP BY 1",
    ),
    Case(
        "peer: feature seconds by day (filtered sum)",
        Query("bench_feature_seconds", Grain.DAY, start=FIRST, end=LAST),
        f"""SELECT {DAY} AS period, sum(properties.duration_s) AS value FROM {EVENTS}
            WHERE event = 'Feature Used' GROUP BY 1""",
    ),
    Case(
        "peer: distinct users by day",
        Query("bench_daily_users", Grain.DAY, start=FIRST, end=LAST),
        f"SELECT {DAY} AS period, count(DISTINCT user_id) AS value FROM {EVENTS} GROUP BY 1",
    ),
    Case(
        "peer: feature seconds per user by day (ratio)",
        Query("bench_seconds_per_user", Grain.DAY, start=FIRST, end=LAST),
        f"""SELECT {DAY} AS period,
                   sum(properties.duration_s) FILTER (WHERE event = 'Feature Used') / count(DISTINCT user_id) AS value
            FROM {EVENTS} GROUP BY 1""",
    ),
    Case(
        "peer: median feature seconds by day",
        Query("bench_median_feature_seconds", Grain.DAY, start=FIRST, end=LAST),
        f"""SELECT {DAY} AS period, median(properties.duration_s) AS value FROM {EVENTS}
            WHERE event = 'Feature Used' GROUP BY 1""",
    ),
    Case(
        "peer: distinct users by week",
        Query("bench_weekly_users", Grain.WEEK, start=FIRST, end=LAST),
        f"""SELECT {WEEK} AS period, count(DISTINCT user_id) AS value
            FROM {EVENTS} GROUP BY 1""",
    ),
]


def peer_workspace(demo: Path, target: Path) -> Path:
    """The demo's spec plus `peer_metrics.yml`, reading the demo's data files and its delivery lake in place
    (`data_roots:` entries)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    data = (demo / "data").resolve()
    lake = (demo / ".headway" / "lake").resolve()
    config = (demo / "headway.yml").read_text(encoding="utf-8")
    roots = ", ".join(json.dumps(str(p)) for p in (data, lake))
    (target / "headway.yml").write_text(f"{config.rstrip()}\ndata_roots: [{roots}]\n", encoding="utf-8")
    (target / ".headway").mkdir()
    (target / ".headway" / "lake").symlink_to(lake, target_is_directory=True)  # the canonical delivery tables
    for folder in ("sources", "metrics"):
        shutil.copytree(demo / folder, target / folder)
    shutil.copy(HERE / "peer_metrics.yml", target / "metrics" / "bench_peer.yml")
    (target / "data").symlink_to(data, target_is_directory=True)  # the demo's files, allowed by data_roots
    return target
