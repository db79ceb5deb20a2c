"""A deployment that arrives after a query was answered is counted by the next query on the same engine.

Webhooks add rows to a running server's tables; the engine must not keep answering from
what it compiled before the new rows existed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from headway.delivery import Inbox, Processor
from headway.delivery.inbox import Record
from headway.engine import Engine, Query
from headway.spec import load_workspace
from headway.spec.models import Grain
from tests.delivery.helpers import make_workspace, rows_of


def deploy(root: Path, inbox: Inbox, key: str, at: str) -> None:
    data = {"repo": "acme/shop", "environment": "production", "sha": key, "result": "success", "finished_at": at}
    inbox.put_records([(key, Record("deployments", key, data))])
    Processor(root, load_workspace(root).config.delivery, inbox).rebuild()


@pytest.fixture
def engine_and_inbox(tmp_path: Path) -> tuple[Engine, Inbox, Path]:
    root = make_workspace(tmp_path / "ws")
    inbox = Inbox.for_workspace(root)
    deploy(root, inbox, "a", "2026-01-05T09:00:00Z")
    return Engine(load_workspace(root)), inbox, root


def test_open_range_sees_a_new_day(engine_and_inbox: tuple[Engine, Inbox, Path]) -> None:
    engine, inbox, root = engine_and_inbox
    assert rows_of(engine, Query("deployment_frequency", Grain.DAY)) == [{"period": "2026-01-05", "value": 1, "n": 1}]
    deploy(root, inbox, "b", "2026-01-07T09:00:00Z")
    assert [r["value"] for r in rows_of(engine, Query("deployment_frequency", Grain.DAY))] == [1, 0, 1]


def test_fixed_range_sees_a_new_day(engine_and_inbox: tuple[Engine, Inbox, Path]) -> None:
    engine, inbox, root = engine_and_inbox
    day = dt.date(2026, 1, 7)
    query = Query("deployment_frequency", Grain.DAY, (), day, day)
    assert rows_of(engine, query) == [{"period": "2026-01-07", "value": None, "n": 0}]  # after the data: no data
    deploy(root, inbox, "b", "2026-01-07T09:00:00Z")
    assert rows_of(engine, query) == [{"period": "2026-01-07", "value": 1, "n": 1}]
