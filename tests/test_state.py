"""The state database: migrations and records, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from postgres import require_bin_dir
from sqlalchemy import inspect

from headway.store import (
    STATE_URL_ENV,
    SpecFile,
    StateStore,
    file_digests,
    latest_spec_version,
    log_query,
    recent_queries,
    record_spec_version,
    state_url,
)
from headway.store.models import Base

TABLES = {
    "alembic_version",
    "spec_versions",
    "query_log",
    "alert_series",
    "alert_incidents",
    "alert_events",
    "alert_channels",
    "write_keys",
    # 0006: the alignment meeting
    "initiatives",
    "meeting_rankings",
    "meeting_decisions",
    "action_items",
    "change_records",
    "annotations",
    "okr_baselines",
    "okr_checkins",
}
BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)]
FILES: list[SpecFile] = [
    {"path": "metrics/revenue.yml", "sha256": "b" * 64},
    {"path": "headway.yml", "sha256": "a" * 64},
]


@pytest.fixture(params=BACKENDS)
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    """A store on an empty database, not migrated."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else state_url(tmp_path, env={})
    store = StateStore(url)
    yield store
    store.dispose()


@pytest.fixture
def store(empty_store: StateStore) -> StateStore:
    empty_store.upgrade()
    return empty_store


def tables(store: StateStore) -> set[str]:
    return set(inspect(store.engine).get_table_names())


@pytest.mark.parametrize("backend", BACKENDS)
def test_open_upgrades_an_empty_database_to_head(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else state_url(tmp_path, env={})
    with StateStore.open(url) as store:
        assert store.backend == ("postgresql" if backend == "postgres" else "sqlite")
        assert tables(store) == TABLES
        assert store.current_revision() == store.head_revision() == "0006"


def test_downgrade_to_base_and_upgrade_again(empty_store: StateStore) -> None:
    assert empty_store.current_revision() is None
    empty_store.upgrade()
    assert empty_store.current_revision() == empty_store.head_revision()
    empty_store.downgrade("base")
    assert empty_store.current_revision() is None
    assert tables(empty_store) == {"alembic_version"}
    empty_store.upgrade()
    assert empty_store.current_revision() == empty_store.head_revision()
    assert tables(empty_store) == TABLES


def test_models_match_migrations(store: StateStore) -> None:
    """A model changed without a new migration shows up here as a difference."""
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_record_spec_version_is_idempotent(store: StateStore) -> None:
    first = record_spec_version(store, "1f3a9c0d2e4b5a69", FILES, note="served")
    again = record_spec_version(store, "1f3a9c0d2e4b5a69", FILES[:1], note="validated")
    assert (again.id, again.note, again.recorded_at) == (first.id, "served", first.recorded_at)
    assert again.files == sorted(FILES, key=lambda f: f["path"])
    assert again.recorded_at.tzinfo == UTC
    assert again.last_seen_at >= first.last_seen_at
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM spec_versions").scalar_one() == 1


def test_latest_spec_version_follows_what_was_seen_last(store: StateStore) -> None:
    assert latest_spec_version(store) is None
    old = record_spec_version(store, "aaaaaaaaaaaaaaaa", FILES)
    new = record_spec_version(store, "bbbbbbbbbbbbbbbb", FILES)
    latest = latest_spec_version(store)
    assert latest is not None and latest.id == new.id
    record_spec_version(store, "aaaaaaaaaaaaaaaa", FILES)  # the workspace was reverted
    latest = latest_spec_version(store)
    assert latest is not None
    assert (latest.id, latest.spec_hash, latest.files) == (old.id, "aaaaaaaaaaaaaaaa", old.files)


def test_log_query_round_trip(store: StateStore) -> None:
    start = datetime(2026, 11, 23, 9, 30, 0, 123456, tzinfo=UTC)
    query = {"metric": "revenue", "grain": "week", "by": ["plan"], "filters": {"country": ["FR", "DE"]}, "limit": 500}
    for i, (metric, engine, hit) in enumerate(
        [("revenue", "duckdb", False), ("dau", "spark", True), ("revenue", "duckdb", True)]
    ):
        log_query(
            store,
            metric_id=metric,
            spec_hash="1f3a9c0d2e4b5a69",
            data_version=f"events:{i:016x}",
            query=query,
            engine=engine,
            rows=52 + i,
            duration_ms=12.75 * (i + 1),
            cache_hit=hit,
            at=start + timedelta(seconds=i),
        )
    newest, middle = recent_queries(store, limit=2)
    assert (newest.metric_id, newest.engine, newest.rows, newest.duration_ms) == ("revenue", "duckdb", 54, 38.25)
    assert newest.cache_hit is True and middle.cache_hit is True
    assert (newest.query, newest.data_version, newest.spec_hash) == (query, f"events:{2:016x}", "1f3a9c0d2e4b5a69")
    assert newest.at == start + timedelta(seconds=2) and newest.at.tzinfo == UTC
    assert middle.metric_id == "dau"
    revenue = recent_queries(store, limit=10, metric_id="revenue")
    assert [(q.rows, q.cache_hit) for q in revenue] == [(54, True), (52, False)]


def test_timestamps_are_stored_as_utc(store: StateStore) -> None:
    paris = timezone(timedelta(hours=1))
    log_query(
        store,
        metric_id="dau",
        spec_hash="h",
        data_version="v",
        query={},
        engine="duckdb",
        rows=0,
        duration_ms=0.5,
        cache_hit=False,
        at=datetime(2026, 1, 1, 0, 30, tzinfo=paris),
    )
    (entry,) = recent_queries(store, limit=1)
    assert entry.at == datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    assert entry.at.tzinfo == UTC


def test_naive_timestamps_are_refused(tmp_path: Path) -> None:
    with StateStore.for_workspace(tmp_path, env={}) as store, pytest.raises(Exception, match="naive datetime"):
        log_query(
            store,
            metric_id="dau",
            spec_hash="h",
            data_version="v",
            query={},
            engine="duckdb",
            rows=0,
            duration_ms=0.5,
            cache_hit=False,
            at=datetime(2026, 1, 1),
        )


@pytest.mark.parametrize("limit", [0, 1001])
def test_recent_queries_bounds_its_limit(tmp_path: Path, limit: int) -> None:
    with StateStore.for_workspace(tmp_path, env={}) as store, pytest.raises(ValueError, match="between 1 and 1000"):
        recent_queries(store, limit=limit)


def test_state_url_defaults_to_sqlite_under_the_workspace(tmp_path: Path) -> None:
    assert state_url(tmp_path, env={}) == f"sqlite:///{tmp_path.resolve()}/.headway/state.db"
    assert state_url(tmp_path, env={STATE_URL_ENV: "  "}) == state_url(tmp_path, env={})


def test_state_url_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql+psycopg://headway@127.0.0.1:5432/headway"
    assert state_url(tmp_path, env={STATE_URL_ENV: url}) == url
    monkeypatch.setenv(STATE_URL_ENV, url)
    assert state_url(tmp_path) == url


def test_plain_postgresql_url_uses_psycopg() -> None:
    store = StateStore("postgresql://headway@127.0.0.1:5432/headway")  # no connection is made
    assert store.engine.dialect.driver == "psycopg"
    store.dispose()


def test_sqlite_file_is_created_under_the_workspace(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    with StateStore.for_workspace(workspace, env={}) as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    assert (workspace / ".headway" / "state.db").is_file()


def test_file_digests_are_relative_and_sorted(tmp_path: Path) -> None:
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "dau.yml").write_text("metrics: []\n")
    (tmp_path / "headway.yml").write_text("name: demo\n")
    digests = file_digests(tmp_path, [tmp_path / "metrics" / "dau.yml", Path("headway.yml")])
    assert [d["path"] for d in digests] == ["headway.yml", "metrics/dau.yml"]
    assert digests[0]["sha256"] == hashlib.sha256(b"name: demo\n").hexdigest()


def test_missing_postgresql_fails_naming_the_package() -> None:
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install -y postgresql"):
        require_bin_dir("/nonexistent/postgresql/*/bin")
