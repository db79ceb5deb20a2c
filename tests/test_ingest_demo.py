"""The demo's event metrics give the same numbers whether their events come from the demo's files
or were sent through the tracking API (two weeks of the small demo, ~24k events).

Workspace A reads the slice from a Parquet file (the demo's own `events` source); workspace B
has no events source at all, so its metrics read the built-in one, filled by `/v1/batch`. The
sessions count is also checked against hand-written DuckDB SQL on the slice file.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from fixtures.ingest import HEADWAY, ServerProcess, create_key, lake_ids, wait_until

from headway.engine import Actor, Engine, Query
from headway.spec import Grain, load_workspace

OWNER = Actor.owner()
START, END = dt.date(2026, 10, 5), dt.date(2026, 10, 18)
METRICS = {
    "weekly_active_users": ["source", "context.device_type", "account.plan"],
    "monthly_active_users": ["source"],
    "signups": ["properties.plan", "context.locale"],
    "cumulative_signups": [],
    "sessions": ["context.os", "account.plan"],
    "feature_uses": ["properties.feature"],
    "reporting_accounts": ["account.segment"],
    "mobile_events": ["context.app_version"],
}

EXTENSION = """
sources:
  - name: events
    path: .headway/lake/events/*/*.parquet
    columns:
      properties: {type: struct, fields: {feature: string, plan: string, duration_s: double, path: string}}
"""


def message(row: dict[str, Any]) -> dict[str, Any]:
    """A demo row as a Segment SDK would send it (no sentAt, so no clock-skew correction)."""
    context = row["context"] or {}
    out: dict[str, Any] = {
        "type": row["type"],
        "messageId": row["message_id"],
        "userId": row["user_id"],
        "anonymousId": row["anonymous_id"],
        "timestamp": row["timestamp"].isoformat(),
        "properties": {k: v for k, v in (row["properties"] or {}).items() if v is not None},
        "context": {
            "device": {"type": context.get("device_type")},
            "os": {"name": context.get("os")},
            "app": {"version": context.get("app_version")},
            "locale": context.get("locale"),
            "groupId": row["account_id"],
        },
    }
    if row["type"] == "track":
        out["event"] = row["event"]
    elif row["type"] in ("page", "screen"):
        out["name"] = row["event"]
    return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "acme"
    subprocess.run([str(HEADWAY), "demo", str(root), "--scale", "small"], check=True, capture_output=True)
    return root


def test_api_events_give_the_demo_numbers(demo: Path, tmp_path: Path) -> None:
    table = pq.read_table(demo / "data" / "events" / "events-2026-10.parquet")
    ts = table.column("timestamp")
    low = pa.scalar(dt.datetime(2026, 10, 5, tzinfo=dt.UTC), ts.type)
    high = pa.scalar(dt.datetime(2026, 10, 19, tzinfo=dt.UTC), ts.type)
    piece = table.filter(pc.and_(pc.greater_equal(ts, low), pc.less(ts, high)))

    files = shutil.copytree(demo, tmp_path / "files")
    shutil.rmtree(files / "data" / "events")
    (files / "data" / "events").mkdir()
    pq.write_table(piece, files / "data" / "events" / "slice.parquet")

    api = shutil.copytree(demo, tmp_path / "api")
    shutil.rmtree(api / "data" / "events")
    # only `events` was declared there: the built-in source takes over, extended with the property
    # fields the metrics use (so the spec is valid before the first event arrives)
    (api / "sources" / "product.yml").write_text(EXTENSION, encoding="utf-8")
    with (api / "headway.yml").open("a", encoding="utf-8") as config:
        config.write("ingest: {visible_within_s: 0.2}\n")

    keys = {name: create_key(api, name) for name in ("web", "ios", "android", "api")}
    batches: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in piece.to_pylist():
        batches[row["source"]].append(message(row))
    with ServerProcess(api, tmp_path / "server.log") as server, httpx.Client(timeout=60) as http:
        for source, messages in batches.items():
            for i in range(0, len(messages), 500):
                response = http.post(
                    f"{server.url}/v1/batch", json={"batch": messages[i : i + 500]}, auth=(keys[source], "")
                )
                assert response.status_code == 200, response.text
        assert wait_until(lambda: len(lake_ids(api)) == piece.num_rows, timeout=30)

    from_files = Engine(load_workspace(files))
    from_api = Engine(load_workspace(api))
    try:
        for metric, dimensions in METRICS.items():
            for by in [(), *((d,) for d in dimensions)]:
                query = Query(metric, Grain.WEEK, by=by, start=START, end=END)
                expected = from_files.query(query, actor=OWNER).rows
                got = from_api.query(query, actor=OWNER).rows
                assert got == expected, (metric, by)
                assert any(r["value"] for r in expected), (metric, by)  # not a comparison of two empty results
        sessions = from_api.query(Query("sessions", Grain.WEEK, start=START, end=END), actor=OWNER).rows
    finally:
        from_files.close()
        from_api.close()
    hand = duckdb.sql(
        f"SELECT date_trunc('week', timestamp AT TIME ZONE 'UTC')::DATE AS week, count(*) FROM "
        f"read_parquet('{files / 'data' / 'events' / 'slice.parquet'}') WHERE event = 'Session Started' "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert [(r["period"], r["value"]) for r in sessions] == hand
