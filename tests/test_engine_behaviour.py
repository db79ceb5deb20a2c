"""Engine behaviours around the numbers (the numbers themselves are the conformance suite's job).

The result cache and what invalidates it, the runtime primary-key check, how missing or
mismatched data is reported, how a --where reaches SQL, data ranges, and type casts.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fixtures import ACCOUNTS, EVENTS, SUBSCRIPTIONS, build_workspace, write_accounts, write_subscriptions

from headway.engine import Actor, DataError, Engine, Query
from headway.spec import load_workspace
from headway.spec.models import Grain

OWNER = Actor.owner()


NEW_MRR = Query("new_mrr", Grain.MONTH)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_workspace(tmp_path_factory.mktemp("engine") / "tiny")


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Path:
    """A private copy: these tests rewrite and delete data files."""
    return Path(shutil.copytree(template, tmp_path / "tiny"))


@pytest.fixture
def engine(ws: Path) -> Iterator[Engine]:
    runner = Engine(load_workspace(ws))
    yield runner
    runner.close()


def values(engine: Engine, query: Query = NEW_MRR) -> list[float]:
    return [row["value"] for row in engine.query(query, actor=OWNER).rows]


def later(path: Path, seconds: int = 10) -> None:
    """Move a file's mtime forward, as a later write would (a rewrite within one clock tick may keep it)."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds * 1_000_000_000))


# -- the result cache ------------------------------------------------------------------------------


def test_identical_query_is_served_from_the_cache(engine: Engine) -> None:
    first = engine.query(NEW_MRR, actor=OWNER)
    second = engine.query(Query("new_mrr", Grain.MONTH), actor=OWNER)
    assert (first.cached, second.cached) == (False, True)
    assert (
        second.rows
        == first.rows
        == [
            # typed rows: real dates; March is not over (the data runs through 2026-03-10)
            {"period": dt.date(2026, 1, 1), "value": 370, "n": 3, "complete": True, "reason": None},
            {"period": dt.date(2026, 2, 1), "value": 170, "n": 2, "complete": True, "reason": None},
            {"period": dt.date(2026, 3, 1), "value": 565, "n": 5, "complete": False, "reason": None},
        ]
    )
    assert second.meta["data_version"] == first.meta["data_version"]
    assert engine.query(NEW_MRR, use_cache=False, actor=OWNER).cached is False


@pytest.mark.parametrize(
    "other",
    [
        Query("new_mrr", Grain.WEEK),
        Query("new_mrr", Grain.MONTH, by=("plan",)),
        Query("new_mrr", Grain.MONTH, where="region = 'EU'"),
        Query("new_mrr", Grain.MONTH, start=dt.date(2026, 2, 1)),
        Query("mrr", Grain.MONTH),
    ],
    ids=["grain", "by", "where", "from", "metric"],
)
def test_a_different_question_is_not_a_cache_hit(engine: Engine, other: Query) -> None:
    engine.query(NEW_MRR, actor=OWNER)
    assert engine.query(other, actor=OWNER).cached is False


def test_rewritten_file_is_recomputed(engine: Engine, ws: Path) -> None:
    before = engine.query(NEW_MRR, actor=OWNER)
    path = ws / "data" / "subscriptions.parquet"
    raised = [(*row[:4], 40, *row[5:]) if row[0] == 5 else row for row in SUBSCRIPTIONS]  # #5: 20 -> 40 in Feb
    write_subscriptions(path, raised)
    later(path)
    after = engine.query(NEW_MRR, actor=OWNER)
    assert after.cached is False
    assert after.meta["data_version"] != before.meta["data_version"]
    assert [r["value"] for r in after.rows] == [370, 190, 565]


def test_touched_file_changes_the_data_version(engine: Engine, ws: Path) -> None:
    before = engine.query(NEW_MRR, actor=OWNER)
    later(ws / "data" / "subscriptions.parquet")
    after = engine.query(NEW_MRR, actor=OWNER)
    assert after.cached is False and after.meta["data_version"] != before.meta["data_version"]
    assert after.rows == before.rows
    assert engine.query(NEW_MRR, actor=OWNER).cached is True


def test_a_file_of_another_source_does_not_invalidate(engine: Engine, ws: Path) -> None:
    engine.query(NEW_MRR, actor=OWNER)
    later(ws / "data" / "events.parquet")
    assert engine.query(NEW_MRR, actor=OWNER).cached is True


def test_related_source_is_part_of_the_data_version(engine: Engine, ws: Path) -> None:
    by_segment = Query("new_mrr", Grain.MONTH, by=("account.segment",))
    engine.query(by_segment, actor=OWNER)
    moved = [(a, "enterprise" if a == "a1" else s, c) for a, s, c in ACCOUNTS]  # a1: smb -> enterprise
    write_accounts(ws / "data" / "accounts.csv", moved)
    later(ws / "data" / "accounts.csv")
    result = engine.query(by_segment, actor=OWNER)
    assert result.cached is False
    january = {r["account.segment"]: r["value"] for r in result.rows if r["period"] == dt.date(2026, 1, 1)}
    assert january == {"enterprise": 350, "smb": 20}  # #1 (a1, 100) moves to enterprise beside #4 (250)


def test_parallel_queries_agree(engine: Engine) -> None:
    queries = [Query("new_mrr", Grain.MONTH, where=f"mrr >= {limit}") for limit in (0, 100, 200, 0, 100, 200)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda q: [r["value"] for r in engine.query(q, actor=OWNER).rows], queries))
    # mrr >= 100, not trial: Jan #1 100 + #4 250, Feb #6 150, Mar #9 120 + #10 100 + #12 300
    # mrr >= 200: Jan #4 250, Feb none, Mar #12 300
    expected = {0: [370, 170, 565], 100: [350, 150, 520], 200: [250, 0, 300]}
    assert results == [expected[limit] for limit in (0, 100, 200, 0, 100, 200)]


# -- data problems ---------------------------------------------------------------------------------


def test_repeated_primary_key_is_refused(engine: Engine, ws: Path) -> None:
    write_accounts(ws / "data" / "accounts.csv", [*ACCOUNTS, ("a1", "enterprise", "FR")])
    with pytest.raises(DataError, match=r"primary_key account_id.*1 values repeat.*double-count"):
        engine.query(Query("new_mrr", Grain.MONTH, by=("account.segment",)), actor=OWNER)
    with pytest.raises(DataError, match="double-count"):  # a --where on a related column joins too
        engine.query(Query("new_mrr", Grain.MONTH, where="account.country = 'US'"), actor=OWNER)
    assert values(engine) == [370, 170, 565]  # no join, no problem
    write_accounts(ws / "data" / "accounts.csv")
    later(ws / "data" / "accounts.csv")
    assert engine.query(
        Query("new_mrr", Grain.MONTH, by=("account.segment",)), actor=OWNER
    ).rows  # fixed data: checked again


def test_missing_data_file_names_source_and_spec_line(engine: Engine, ws: Path) -> None:
    (ws / "data" / "events.parquet").unlink()
    line = (ws / "sources" / "product.yml").read_text().splitlines().index("    path: data/events.parquet") + 1
    with pytest.raises(DataError) as raised:
        engine.query(Query("active_users", Grain.MONTH), actor=OWNER)
    assert "source 'events'" in str(raised.value) and f"sources/product.yml:{line}" in str(raised.value)
    with pytest.raises(DataError, match="source 'events'"):
        engine.data_range("active_users")
    assert values(engine) == [370, 170, 565]


def test_declared_column_missing_from_file(engine: Engine, ws: Path) -> None:
    table = pq.read_table(ws / "data" / "events.parquet").drop_columns(["name"])
    pq.write_table(table, ws / "data" / "events.parquet")
    with pytest.raises(DataError, match=r"source 'events': the files have no column 'name' \(they have: account_id, "):
        engine.query(Query("active_users", Grain.MONTH), actor=OWNER)


def test_declared_struct_that_is_not_a_struct(engine: Engine, ws: Path) -> None:
    table = pq.read_table(ws / "data" / "events.parquet")
    flat = table.set_column(table.schema.get_field_index("properties"), "properties", pa.array(["{}"] * len(EVENTS)))
    pq.write_table(flat, ws / "data" / "events.parquet")
    with pytest.raises(DataError, match="not a struct"):
        engine.query(Query("avg_duration", Grain.MONTH), actor=OWNER)


def test_declared_type_differing_from_the_file_is_cast(engine: Engine) -> None:
    values(engine)  # prepares the subscriptions view
    values(engine, Query("active_users", Grain.MONTH))
    types = {
        name: dict(engine.backend.execute(f"SELECT column_name, column_type FROM (DESCRIBE hw_{name})")[1])
        for name in ("subscriptions", "events")
    }
    assert types["subscriptions"]["mrr"] == "DOUBLE" and types["subscriptions"]["subscription_id"] == "BIGINT"
    assert types["events"]["ts"] == "TIMESTAMP"
    sql = engine.view_sql(engine.workspace.sources["subscriptions"])
    assert 'CAST("mrr" AS DOUBLE)' in sql and 'CAST("subscription_id" AS BIGINT)' in sql
    assert all(isinstance(v, float) for v in values(engine))  # a sum over a double is a double
    # Jan 31 23:59 UTC stays in January: zoned file times are read as UTC wall-clock (workspace zone UTC)
    assert values(engine, Query("active_users", Grain.MONTH, end=dt.date(2026, 1, 31))) == [3]


# -- SQL and ranges --------------------------------------------------------------------------------


def test_where_reaches_sql_as_quoted_literals(engine: Engine) -> None:
    where = "plan   =   'x'' or 1=1 --'  and region = 'EU' /* sneaky */"
    sql = engine.sql(
        Query("new_mrr", Grain.MONTH, where=where, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31)), actor=OWNER
    )
    assert "\"t\".\"plan\" = 'x'' or 1=1 --'" in sql
    assert '"t"."region" = \'EU\'' in sql
    assert where not in sql and "plan   =" not in sql and "sneaky" not in sql
    assert values(engine, Query("new_mrr", Grain.MONTH, where=where)) == [0, 0, 0]  # no plan is named that


def test_spark_sql_quotes_with_backticks(engine: Engine) -> None:
    sql = engine.sql(Query("new_mrr", Grain.MONTH, where="region = 'EU'"), "spark", actor=OWNER)
    assert "`t`.`region` = 'EU'" in sql and '"t"' not in sql


def test_data_range(engine: Engine) -> None:
    subscriptions = (dt.date(2026, 1, 5), dt.date(2026, 3, 10))  # #1 Jan 5 09:00 .. #12 Mar 10 18:00
    events = (dt.date(2026, 1, 3), dt.date(2026, 3, 12))  # #1 Jan 3 10:00 .. #12 Mar 12 09:00
    assert engine.data_range("new_mrr") == subscriptions
    assert engine.data_range("mrr") == subscriptions  # a snapshot ranges over its time column (started_at)
    assert engine.data_range("avg_new_mrr") == subscriptions  # a formula over three subscription metrics
    assert engine.data_range("active_users_7d") == events


def test_data_range_in_the_workspace_time_zone(ws: Path) -> None:
    config = ws / "headway.yml"
    config.write_text(config.read_text().replace("timezone: UTC", "timezone: Pacific/Kiritimati"))  # UTC+14
    runner = Engine(load_workspace(ws))
    try:
        # events: Jan 3 10:00 UTC is Jan 4 00:00 local; Mar 12 09:00 UTC is Mar 12 23:00 local
        assert runner.data_range("active_users") == (dt.date(2026, 1, 4), dt.date(2026, 3, 12))
        # subscriptions: Jan 5 09:00 UTC is Jan 5 23:00 local; Mar 10 18:00 UTC is Mar 11 08:00 local
        assert runner.data_range("new_mrr") == (dt.date(2026, 1, 5), dt.date(2026, 3, 11))
    finally:
        runner.close()


def test_data_range_of_an_empty_source(engine: Engine, ws: Path) -> None:
    table = pq.read_table(ws / "data" / "events.parquet").slice(0, 0)
    pq.write_table(table, ws / "data" / "events.parquet")
    assert engine.data_range("active_users") is None
